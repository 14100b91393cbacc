"""Step 1 of the RBF network (BP lecture): centres from the data, widths from the centres."""

from __future__ import annotations

import numpy as np

from mlzoo._checks import MAX_MAGNITUDE, check_batch, check_positive_int, check_values

CENTRE_METHODS = ("kmeans", "sample")


def init_centres(x, units: int, method: str = "kmeans", seed: int | None = 0) -> np.ndarray:
    """`units` centres (units, d) for the data `x` (N, d).

    "kmeans": the k-means cluster centres (scikit-learn, k-means++ start);
    "sample": `units` distinct training samples drawn at random.

    Examples:
        >>> x = np.random.default_rng(0).random((100, 3))
        >>> init_centres(x, 5).shape
        (5, 3)
    """
    units = check_positive_int("units", units)
    values = np.asarray(x)
    if values.ndim != 2:
        raise ValueError(f"`x` must have shape (N, d); received shape {values.shape}.")
    values = check_batch("x", values, None).astype("float32")  # rows, numbers, finite, scale
    if units > len(values):
        raise ValueError(
            f"`units`={units} centres need at least as many samples; x has {len(values)}."
        )
    if method == "sample":
        rng = np.random.default_rng(seed)
        return values[rng.choice(len(values), units, replace=False)].copy()
    if method == "kmeans":
        from sklearn.cluster import KMeans

        model = KMeans(units, n_init=3, random_state=seed).fit(values)
        return model.cluster_centers_.astype("float32")
    raise ValueError(f"`method` must be one of {CENTRE_METHODS}; received method={method!r}.")


def width_heuristic(centres) -> np.ndarray:
    """beta_i = 1 / (2 sigma_i^2), sigma_i = the distance to the nearest other centre.

    Each Gaussian then reaches its nearest neighbour at exp(-1/2). One centre:
    sigma = 1.

    Examples:
        >>> width_heuristic(np.array([[0.0], [1.0], [3.0]]))
        array([0.5  , 0.5  , 0.125], dtype=float32)
    """
    c = check_values("centres", centres).astype("float64")
    if c.ndim != 2 or not c.size:
        raise ValueError(f"`centres` must have shape (units, d); received shape {c.shape}.")
    if np.abs(c).max() >= MAX_MAGNITUDE:
        raise ValueError(
            f"`centres` hold magnitudes up to {np.abs(c).max():.3g}: their widths would "
            "underflow float32. Scale the data first (e.g. mlzoo.datasets.minmax_scale)."
        )
    if len(c) == 1:
        return np.full(1, 0.5, "float32")
    distances = np.sqrt(((c[:, None, :] - c[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(distances, np.inf)
    sigma = distances.min(1)
    sigma = np.where(sigma > 0, sigma, sigma[sigma > 0].min() if (sigma > 0).any() else 1.0)
    with np.errstate(over="ignore"):
        beta = (1.0 / (2.0 * sigma**2)).astype("float32")
    if not np.isfinite(beta).all():
        raise ValueError(
            f"Centres {sigma.min():.3g} apart give widths beta that float32 cannot hold: "
            "scale the data first (e.g. mlzoo.datasets.minmax_scale) or drop near-duplicate "
            "centres."
        )
    return beta
