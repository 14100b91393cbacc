"""Initial SOM weights from data: a PCA plane, random samples, or uniform in the data's box."""

from __future__ import annotations

import numpy as np

from mlzoo._checks import check_values

INITS = ("pca", "sample", "random")


def init_codebook(x, rows: int, cols: int, method: str = "pca", seed: int | None = 0) -> np.ndarray:
    """(rows * cols, d) float32 initial weights, row-major over the grid.

    - "pca": mean + a_r s_1 e_1 + b_c s_2 e_2 with a, b evenly spaced in [-1, 1] and
      s_k e_k the first two principal axes scaled by their standard deviations (the
      grid spans ±1 standard deviation of the data's main plane; deterministic).
    - "sample": distinct random training samples (needs N >= rows * cols).
    - "random": uniform in the per-feature [min, max] box of the data.
    """
    x = check_values("x_init", x).astype("float64").reshape(len(x), -1)
    units = rows * cols
    rng = np.random.default_rng(seed)
    if method == "pca":
        if x.shape[1] < 2:
            raise ValueError("PCA initialisation needs at least 2 features; use init='sample'.")
        centred = x - x.mean(0)
        _, singular, axes = np.linalg.svd(centred, full_matrices=False)
        scales = singular[:2] / np.sqrt(max(len(x) - 1, 1))
        a = np.linspace(-1, 1, rows) if rows > 1 else np.zeros(1)
        b = np.linspace(-1, 1, cols) if cols > 1 else np.zeros(1)
        grid = a[:, None, None] * scales[0] * axes[0] + b[None, :, None] * scales[1] * axes[1]
        codebook = x.mean(0) + grid.reshape(units, -1)
    elif method == "sample":
        if len(x) < units:
            raise ValueError(
                f"init='sample' needs at least rows * cols = {units} samples; x_init has "
                f"{len(x)}. Use init='pca' or 'random'."
            )
        codebook = x[rng.choice(len(x), units, replace=False)]
    elif method == "random":
        low, high = x.min(0), x.max(0)
        codebook = low + (high - low) * rng.random((units, x.shape[1]))
    else:
        raise ValueError(f"`init` must be one of {INITS}; received init={method!r}.")
    return codebook.astype("float32")
