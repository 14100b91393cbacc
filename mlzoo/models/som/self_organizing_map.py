"""Kohonen's self-organizing map as a `keras.Model` trained by batched neighbourhood updates."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from mlzoo._checks import check_array, check_choice, check_fraction, check_positive_int
from mlzoo.callbacks.som_decay import SOMDecay
from mlzoo.models._checked_inputs import CheckedInputs
from mlzoo.models._training import add_state_weight, batch_features
from mlzoo.models._unsupervised import CompilesOnDemand, reject_labels
from mlzoo.models.som.grid import adjacent, gaussian_neighbourhood, grid_coordinates, u_matrix
from mlzoo.models.som.init import init_codebook
from mlzoo.models.som.schedules import DECAYS, decayed


@keras.saving.register_keras_serializable(package="mlzoo")
class SelfOrganizingMap(CompilesOnDemand, CheckedInputs, keras.Model):
    """A rows x cols map of units with weights w_j in R^d (BP lecture, "SOM").

    Each training batch finds every sample's winner c(b) = argmin_j ||x_b - w_j||
    ("winner takes all") and moves every unit towards the samples its grid
    neighbourhood h_bj = exp(-||r_j - r_c(b)||^2 / (2 sigma^2)) gives it:

        w_j <- w_j + rho_j (xbar_j - w_j),
        xbar_j = sum_b h_bj x_b / sum_b h_bj,   rho_j = 1 - prod_b (1 - eta h_bj).

    With one sample per batch this is exactly the online rule w_j += eta h_j (x - w_j)
    (MiniSom's `train`); with eta = 1 and a large batch it is Kohonen's batch SOM.
    sigma and eta decay with the share t / T of training done (`decay`, see
    `schedules.decayed`); the step t and horizon T are variables read inside the
    traced step (so `steps_per_execution` changes nothing) and the `SOMDecay`
    callback sets T = epochs x steps at the start of `fit` (added automatically).

    `fit(x)` takes no labels; the logs hold `quantization_error` (mean ||x - w_c||)
    and `topographic_error` (share of samples whose two best units are not grid
    neighbours, diagonals included), measured on each batch before its update, and
    the current `sigma` and `learning_rate`. `predict` gives the winner's (row, col);
    `evaluate(x)` the two errors of the current map. Under `tf.distribute` the sums
    are all-reduced, so a replicated batch gives the single-device update.

    Args:
        rows, cols: grid size.
        input_dim: d.
        sigma: initial neighbourhood radius in grid steps (default max(rows, cols) / 2).
        learning_rate: initial eta in (0, 1].
        decay: "exponential" (default), "linear", "asymptotic" (MiniSom's) or "constant".
        sigma_end, learning_rate_end: final values for "linear" / "exponential".
        x_init: data (N, d) to initialise the weights from (`init`); without it the
            weights start uniform in [0, 1].
        init: "pca", "sample" or "random" (see `init_codebook`).
        seed: seed of the initialisation.
        **kwargs: `keras.Model` arguments (`name`).

    Example:

    >>> import mlzoo
    >>> from mlzoo.models import SelfOrganizingMap
    >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)
    >>> som = SelfOrganizingMap(10, 10, 64, x_init=x)
    >>> history = som.fit(x, epochs=10, batch_size=32, verbose=0)
    >>> coords = som.predict(x, verbose=0)          # (N, 2) winner (row, col)
    >>> umatrix, hits = som.distance_map(), som.hit_map(x)
    """

    def __init__(
        self,
        rows: int,
        cols: int,
        input_dim: int,
        sigma: float | None = None,
        learning_rate: float = 0.5,
        decay: str = "exponential",
        sigma_end: float = 1.0,
        learning_rate_end: float = 0.01,
        x_init=None,
        init: str = "pca",
        seed: int | None = 0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        rows, cols = check_positive_int("rows", rows), check_positive_int("cols", cols)
        input_dim = check_positive_int("input_dim", input_dim)
        sigma = float(max(rows, cols) / 2 if sigma is None else sigma)
        for name, value in (("sigma", sigma), ("sigma_end", sigma_end)):
            if not value > 0 or not np.isfinite(value):
                raise ValueError(f"`{name}` must be a positive radius; received {name}={value!r}.")
        for name, value in (
            ("learning_rate", learning_rate),
            ("learning_rate_end", learning_rate_end),
        ):
            check_fraction(name, value)
            if value == 0:
                raise ValueError(f"`{name}` must be in (0, 1]; received {name}=0.")
        check_choice("decay", decay, DECAYS)
        if x_init is None:
            codebook = np.random.default_rng(seed).random((rows * cols, input_dim), "float32")
        else:
            check_array("x_init", np.asarray(x_init), last_dim=input_dim)
            codebook = init_codebook(x_init, rows, cols, init, seed)
        self._config = {
            "rows": rows,
            "cols": cols,
            "input_dim": input_dim,
            "sigma": sigma,
            "learning_rate": float(learning_rate),
            "decay": decay,
            "sigma_end": float(sigma_end),
            "learning_rate_end": float(learning_rate_end),
            "init": init,
            "seed": seed,
        }
        self.coords = tf.constant(grid_coordinates(rows, cols))
        self.codebook = add_state_weight(
            self,
            "codebook",
            (rows * cols, input_dim),
            initializer=keras.initializers.Constant(codebook),
        )
        self.step = add_state_weight(self, "step", ())
        self.total_steps = add_state_weight(self, "total_steps", (), initializer="ones")
        self._qe_tracker = keras.metrics.Mean(name="quantization_error")
        self._te_tracker = keras.metrics.Mean(name="topographic_error")
        self.built = True

    # -- the map ----------------------------------------------------------------------
    def get_config(self) -> dict:
        return {**super().get_config(), **self._config}

    @property
    def metrics(self):
        return [self._qe_tracker, self._te_tracker]

    def current_rates(self):
        """(sigma, eta) at the current step t of the horizon T."""
        config = self._config
        progress = tf.minimum(self.step / self.total_steps, 1.0)
        sigma = decayed(config["sigma"], config["sigma_end"], progress, config["decay"])
        eta = decayed(
            config["learning_rate"], config["learning_rate_end"], progress, config["decay"]
        )
        return sigma, eta

    def _distances(self, x):
        """Squared distances (B, U) by ||x||^2 - 2 x.w + ||w||^2, clipped at 0."""
        w = self.codebook
        cross = tf.matmul(x, w, transpose_b=True)
        squared = tf.reduce_sum(x * x, 1, keepdims=True) - 2.0 * cross
        return tf.maximum(squared + tf.reduce_sum(w * w, 1)[None, :], 0.0)

    def _winners(self, x):
        """Squared distances, best unit and second-best unit of each sample."""
        distances = self._distances(x)
        _, best_two = tf.math.top_k(-distances, k=min(2, self.codebook.shape[0]))
        return distances, best_two[:, 0], best_two[:, -1]

    def _errors(self, x):
        distances, best, second = self._winners(x)
        quantization = tf.sqrt(tf.gather(distances, best, batch_dims=1))
        coords = self.coords
        far = ~adjacent(tf.gather(coords, best), tf.gather(coords, second))
        return best, quantization, tf.cast(far, "float32")

    def call(self, x):
        """Winner (row, col) of each sample, int32 (N, 2)."""
        best = self._winners(batch_features(x))[1]
        return tf.stack([best // self._config["cols"], best % self._config["cols"]], axis=1)

    # -- training -----------------------------------------------------------------
    def train_step(self, data):
        x = batch_features(data)
        best, quantization, far = self._errors(x)
        sigma, eta = self.current_rates()
        h = gaussian_neighbourhood(tf.gather(self.coords, best), self.coords, sigma)
        context = tf.distribute.get_replica_context()
        pulled = tf.matmul(h, x, transpose_a=True)  # sum_b h_bj x_b
        mass = tf.reduce_sum(h, 0)  # sum_b h_bj
        log_keep = tf.reduce_sum(tf.math.log1p(-tf.minimum(eta * h, 1.0)), 0)
        if context is not None and context.num_replicas_in_sync > 1:
            pulled, mass, log_keep = context.all_reduce("sum", [pulled, mass, log_keep])
        rate = 1.0 - tf.exp(log_keep)
        mean = pulled / tf.maximum(mass, 1e-30)[:, None]
        self.codebook.assign_add(rate[:, None] * (mean - self.codebook))
        self.step.assign_add(1.0)
        self._qe_tracker.update_state(quantization)
        self._te_tracker.update_state(far)
        return {
            "quantization_error": self._qe_tracker.result(),
            "topographic_error": self._te_tracker.result(),
            "sigma": sigma,
            "learning_rate": eta,
        }

    def test_step(self, data):
        _, quantization, far = self._errors(batch_features(data))
        self._qe_tracker.update_state(quantization)
        self._te_tracker.update_state(far)
        return {m.name: m.result() for m in self.metrics}

    def compile(self, steps_per_execution: int = 1, jit_compile="auto", **kwargs):
        """No loss or optimizer: the update is the SOM rule. Takes `steps_per_execution`."""
        super().compile(steps_per_execution=steps_per_execution, jit_compile=jit_compile, **kwargs)
        self._som_compile_config = {
            "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile,
        }

    def get_compile_config(self) -> dict | None:
        return getattr(self, "_som_compile_config", None)

    def compile_from_config(self, config: dict) -> None:
        self.compile(**config)

    def fit(self, x=None, y=None, *args, callbacks=None, **kwargs):
        """Train on unlabelled `x` (array or `tf.data`); adds a `SOMDecay` unless one is given."""
        callbacks = list(callbacks or [])
        if not any(isinstance(callback, SOMDecay) for callback in callbacks):
            callbacks.append(SOMDecay())
        return super().fit(x, y, *args, callbacks=callbacks, **kwargs)

    def _check_xy(self, x, y, where: str) -> None:
        hint = " To see where classes land, use hit_map(x[y == k])."
        reject_labels("SelfOrganizingMap", y, where, hint)
        check_array("x", x, last_dim=self._config["input_dim"])

    # -- reading the map ------------------------------------------------------------
    def codebook_grid(self) -> np.ndarray:
        """Weights as (rows, cols, d)."""
        config = self._config
        return keras.ops.convert_to_numpy(self.codebook).reshape(config["rows"], config["cols"], -1)

    def winner_index(self, x, batch_size: int = 1024) -> np.ndarray:
        """Flat index row * cols + col of each sample's best unit."""
        coords = self.predict(x, batch_size=batch_size, verbose=0)
        return coords[:, 0] * self._config["cols"] + coords[:, 1]

    def distance_map(self) -> np.ndarray:
        """The U-matrix: (rows, cols) mean distance of each unit's weights to its neighbours'."""
        return u_matrix(self.codebook_grid())

    def hit_map(self, x) -> np.ndarray:
        """(rows, cols) number of samples each unit wins."""
        config = self._config
        hits = np.bincount(self.winner_index(x), minlength=config["rows"] * config["cols"])
        return hits.reshape(config["rows"], config["cols"])

    def quantization_error(self, x, batch_size: int = 1024) -> float:
        """Mean distance from each sample to its best unit's weights."""
        return float(
            self.evaluate(x, batch_size=batch_size, verbose=0, return_dict=True)[
                "quantization_error"
            ]
        )

    def topographic_error(self, x, batch_size: int = 1024) -> float:
        """Share of samples whose best and second-best units are not neighbours."""
        return float(
            self.evaluate(x, batch_size=batch_size, verbose=0, return_dict=True)[
                "topographic_error"
            ]
        )
