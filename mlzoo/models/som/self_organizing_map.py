"""Kohonen's self-organizing map as a `keras.Model` trained by batched neighbourhood updates."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from mlzoo._checks import check_batch, check_choice, check_fraction, check_positive_int
from mlzoo.callbacks.som_decay import SOMDecay
from mlzoo.models._training import add_state_weight, batch_and_weights, replica_sum
from mlzoo.models.registry import register
from mlzoo.models.som.grid import adjacent, gaussian_neighbourhood, grid_coordinates, u_matrix
from mlzoo.models.som.init import INITS, init_codebook
from mlzoo.models.som.schedules import DECAYS, decayed
from mlzoo.models.zoo_model import ZooModel, _is_dataset

# decay rules that run from a start value to an end value (the others ignore the end)
_TO_AN_END = ("linear", "exponential")


@register("self_organizing_map")
@keras.saving.register_keras_serializable(package="mlzoo")
class SelfOrganizingMap(ZooModel):
    """A rows x cols map of units with weights w_j in R^d (BP lecture, "SOM").

    Each training batch finds every sample's winner c(b) = argmin_j ||x_b - w_j||
    ("winner takes all") and moves every unit towards the samples its grid
    neighbourhood h_bj = exp(-||r_j - r_c(b)||^2 / (2 sigma^2)) gives it:

        w_j <- w_j + rho_j (xbar_j - w_j),
        xbar_j = sum_b s_b h_bj x_b / sum_b s_b h_bj,   rho_j = 1 - prod_b (1 - eta h_bj)^s_b,

    with s_b the sample weights (1 without `sample_weight`; weight s counts a
    sample s times, weight 0 leaves the map untouched). With one sample per batch
    this is exactly the online rule w_j += eta h_j (x - w_j) (MiniSom's `train`);
    with eta = 1 and a large batch it is Kohonen's batch SOM. sigma and eta decay
    with the share t / T of training done (`decay`, see `schedules.decayed`); the
    step t and horizon T are variables read inside the traced step (so
    `steps_per_execution` changes nothing) and the `SOMDecay` callback sets
    T = epochs x steps at the start of `fit` (added automatically). The current
    sigma and eta are `current_rates()`; they are schedule values, not metrics, and
    are not logged.

    `fit(x)` takes no labels, no optimizer and no loss; the logs hold `loss` (the
    quantization error, the quantity the map lowers), `quantization_error` (mean
    ||x - w_c||) and `topographic_error` (share of samples whose two best units are
    not grid neighbours, diagonals included), measured on each batch before its
    update; every one is lower-is-better, so Keras' monitors work in mode "auto".
    `predict` gives the winner's (row, col); `evaluate(x)` the errors of the
    current map. Under `tf.distribute` the sums are all-reduced (`replica_sum`),
    so a replicated batch gives the single-device update; on JAX a
    `keras.distribution.DataParallel` step sees the whole batch.

    Args:
        rows: grid rows.
        cols: grid columns.
        input_dim: d.
        sigma: initial neighbourhood radius in grid steps (default max(rows, cols) / 2).
        learning_rate: initial eta in (0, 1].
        decay: "exponential" (default), "linear", "asymptotic" (MiniSom's) or "constant".
        sigma_end: final sigma for "linear" / "exponential", at most the initial one
            (default: 1.0, or the initial value if smaller).
        learning_rate_end: final eta for "linear" / "exponential", at most the initial
            one (default: 0.01, or the initial value if smaller).
        x_init: data (N, d) to initialise the weights from (`init`); without it the
            weights start uniform in [0, 1]. Not part of the config (the saved weights are).
        init: "pca", "sample" or "random" (see `init_codebook`).
        seed: seed of the initialisation.
        **kwargs: `keras.Model` arguments (`name`).

    Examples:
        >>> import mlzoo
        >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)
        >>> som = mlzoo.SelfOrganizingMap(10, 10, 64, x_init=x)
        >>> history = som.fit(x, epochs=10, batch_size=32, verbose=0)   # logs loss = QE, TE
        >>> coords = som.predict(x, verbose=0)          # (N, 2) winner (row, col)
        >>> umatrix, hits = som.distance_map(), som.hit_map(x)
    """

    config_exclude = ("x_init",)
    uses_optimizer = False
    uses_loss = False
    supervised = False

    def __init__(
        self,
        rows: int,
        cols: int,
        input_dim: int,
        sigma: float | None = None,
        learning_rate: float = 0.5,
        decay: str = "exponential",
        sigma_end: float | None = None,
        learning_rate_end: float | None = None,
        x_init=None,
        init: str = "pca",
        seed: int | None = 0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.rows, self.cols = check_positive_int("rows", rows), check_positive_int("cols", cols)
        self.input_dim = check_positive_int("input_dim", input_dim)
        check_choice("decay", decay, DECAYS)
        check_choice("init", init, INITS)
        self.decay = decay
        sigma = max(self.rows, self.cols) / 2 if sigma is None else sigma
        self.sigma = _positive_radius("sigma", sigma)
        self.sigma_end = _positive_radius(
            "sigma_end", min(1.0, self.sigma) if sigma_end is None else sigma_end
        )
        self.learning_rate = _rate("learning_rate", learning_rate)
        self.learning_rate_end = _rate(
            "learning_rate_end",
            min(0.01, self.learning_rate) if learning_rate_end is None else learning_rate_end,
        )
        if decay in _TO_AN_END:
            for name, start, end in (
                ("sigma", self.sigma, self.sigma_end),
                ("learning_rate", self.learning_rate, self.learning_rate_end),
            ):
                if end > start:
                    raise ValueError(
                        f"`{name}_end`={end:g} exceeds `{name}`={start:g}: the {decay} "
                        f"decay runs from `{name}` down to `{name}_end`. Swap them, or use "
                        "decay='constant' to keep it fixed."
                    )
        if x_init is None:
            shape = (self.rows * self.cols, self.input_dim)
            codebook = np.random.default_rng(seed).random(shape, "float32")
        else:
            check_batch("x_init", x_init, (self.input_dim,))
            codebook = init_codebook(x_init, self.rows, self.cols, init, seed)
        self.coords = ops.convert_to_tensor(grid_coordinates(self.rows, self.cols))
        self.codebook = add_state_weight(
            self,
            "codebook",
            (self.rows * self.cols, self.input_dim),
            initializer=keras.initializers.Constant(codebook),
        )
        self.step = add_state_weight(self, "step", ())
        self.total_steps = add_state_weight(self, "total_steps", (), initializer="ones")
        self._loss_mean = self.add_tracker("loss", "min")
        self._qe_mean = self.add_tracker("quantization_error", "min")
        self._te_mean = self.add_tracker("topographic_error", "min")
        self.built = True

    @property
    def feature_shape(self) -> tuple:
        return (self.input_dim,)

    # -- the map ----------------------------------------------------------------------
    def _rates(self):
        """(sigma, eta) tensors at the current step t of the horizon T."""
        progress = ops.minimum(self.step / self.total_steps, 1.0)
        sigma = decayed(self.sigma, self.sigma_end, progress, self.decay)
        eta = decayed(self.learning_rate, self.learning_rate_end, progress, self.decay)
        return sigma, eta

    def current_rates(self) -> tuple[float, float]:
        """(sigma, eta) that the next training step will use (schedule values, not logged)."""
        return tuple(float(keras.ops.convert_to_numpy(value)) for value in self._rates())

    def _distances(self, x):
        """Squared distances (B, U) by ||x||^2 - 2 x.w + ||w||^2, clipped at 0."""
        w = self.codebook
        cross = ops.matmul(x, ops.transpose(w))
        squared = ops.sum(x * x, 1, keepdims=True) - 2.0 * cross
        return ops.maximum(squared + ops.sum(w * w, 1)[None, :], 0.0)

    def _winners(self, x):
        """Squared distances, best unit and second-best unit of each sample (ties: lower index).

        Two argmins rather than `top_k`, which JAX exports as an op TensorFlow cannot load;
        a one-unit map's second-best unit is its only one.
        """
        distances = self._distances(x)
        best = ops.argmin(distances, axis=1)
        is_best = ops.arange(distances.shape[1], dtype=best.dtype)[None, :] == best[:, None]
        second = ops.argmin(ops.where(is_best, np.inf, distances), axis=1)
        return distances, best, second

    def _errors(self, x):
        distances, best, second = self._winners(x)
        quantization = ops.sqrt(ops.take_along_axis(distances, best[:, None], axis=1)[:, 0])
        coords = self.coords
        far = ops.logical_not(adjacent(ops.take(coords, best, 0), ops.take(coords, second, 0)))
        return best, quantization, ops.cast(far, "float32")

    def call(self, x):
        """Winner (row, col) of each sample, int32 (N, 2)."""
        best = self._winners(ops.cast(x, "float32"))[1]
        return ops.stack([best // self.cols, best % self.cols], axis=1)

    # -- training -----------------------------------------------------------------
    def _measure(self, quantization, far, weights):
        self._loss_mean.update_state(quantization, sample_weight=weights)
        self._qe_mean.update_state(quantization, sample_weight=weights)
        self._te_mean.update_state(far, sample_weight=weights)
        return self.get_metrics_result()

    def train_step(self, data):
        x, weights = batch_and_weights(data)
        best, quantization, far = self._errors(x)
        sigma, eta = self._rates()
        h = gaussian_neighbourhood(ops.take(self.coords, best, 0), self.coords, sigma)
        log_keep = ops.log1p(-ops.minimum(eta * h, 1.0))  # log(1 - eta h_bj)
        if weights is not None:
            h = h * weights[:, None]
            # weight 0 keeps the unit even where log(1 - eta h) = -inf (eta h = 1)
            log_keep = ops.where(weights[:, None] == 0.0, 0.0, log_keep * weights[:, None])
        pulled = ops.matmul(ops.transpose(h), x)  # sum_b s_b h_bj x_b
        mass = ops.sum(h, 0)  # sum_b s_b h_bj
        log_keep = ops.sum(log_keep, 0)
        pulled, mass, log_keep = replica_sum([pulled, mass, log_keep])
        rate = 1.0 - ops.exp(log_keep)
        mean = pulled / ops.maximum(mass, 1e-30)[:, None]
        self.codebook.assign_add(rate[:, None] * (mean - self.codebook))
        self.step.assign_add(1.0)
        return self._measure(quantization, far, weights)

    def test_step(self, data):
        x, weights = batch_and_weights(data)
        _, quantization, far = self._errors(x)
        return self._measure(quantization, far, weights)

    def fit(self, x=None, y=None, *args, callbacks=None, **kwargs):
        """Train on unlabelled `x` (array or `tf.data`); adds a `SOMDecay` unless one is given.

        The `SOMDecay` runs before every other callback, so a `BackupAndRestore`
        restores the step counter after the decay has (re)started the schedule.
        """
        callbacks = list(callbacks or [])
        decays = [callback for callback in callbacks if isinstance(callback, SOMDecay)]
        others = [callback for callback in callbacks if not isinstance(callback, SOMDecay)]
        if not decays:
            decays = [SOMDecay()]
            if _is_empty_dataset_of_unknown_length(x, kwargs.get("steps_per_epoch")):
                decays = []  # the base reports the empty dataset
        return super().fit(x, y, *args, callbacks=[*decays, *others], **kwargs)

    # -- reading the map ------------------------------------------------------------
    def codebook_grid(self) -> np.ndarray:
        """Weights as (rows, cols, d)."""
        return keras.ops.convert_to_numpy(self.codebook).reshape(self.rows, self.cols, -1)

    def winner_index(self, x, batch_size: int = 1024) -> np.ndarray:
        """Flat index row * cols + col of each sample's best unit."""
        coords = self.predict(x, batch_size=batch_size, verbose=0)
        return coords[:, 0] * self.cols + coords[:, 1]

    def distance_map(self) -> np.ndarray:
        """The U-matrix: (rows, cols) mean distance of each unit's weights to its neighbours'."""
        return u_matrix(self.codebook_grid())

    def hit_map(self, x) -> np.ndarray:
        """(rows, cols) number of samples each unit wins."""
        hits = np.bincount(self.winner_index(x), minlength=self.rows * self.cols)
        return hits.reshape(self.rows, self.cols)

    def quantization_error(self, x, batch_size: int = 1024) -> float:
        """Mean distance from each sample to its best unit's weights."""
        logs = self.evaluate(x, batch_size=batch_size, verbose=0, return_dict=True)
        return float(logs["quantization_error"])

    def topographic_error(self, x, batch_size: int = 1024) -> float:
        """Share of samples whose best and second-best units are not neighbours."""
        logs = self.evaluate(x, batch_size=batch_size, verbose=0, return_dict=True)
        return float(logs["topographic_error"])


def _positive_radius(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise ValueError(f"`{name}` must be a positive radius; received {name}={value!r}.")
    if not 0 < value < np.inf:
        raise ValueError(f"`{name}` must be a positive radius; received {name}={value!r}.")
    return float(value)


def _rate(name: str, value) -> float:
    value = check_fraction(name, value)
    if value == 0:
        raise ValueError(f"`{name}` must be in (0, 1]; received {name}=0.")
    return value


def _is_empty_dataset_of_unknown_length(x, steps_per_epoch) -> bool:
    """Whether `x` is a `tf.data.Dataset` of unknown length that yields no element.

    Only then is the first element looked for: the decay horizon of a dataset of
    unknown length needs `SOMDecay(total_steps=...)`, but an empty one needs its
    own message.
    """
    if not _is_dataset(x) or steps_per_epoch is not None:
        return False
    import tensorflow as tf  # already loaded: x is a tf.data.Dataset

    if int(x.cardinality()) != int(tf.data.UNKNOWN_CARDINALITY):
        return False
    return not any(True for _ in x.take(1))
