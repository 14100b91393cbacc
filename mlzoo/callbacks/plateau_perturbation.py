"""Random weight perturbation on a plateau: the BP lecture's ways out of a local minimum."""

from __future__ import annotations

import numbers

import keras
import numpy as np

from mlzoo._checks import check_choice, check_non_negative, check_positive, check_positive_int

_NOISE_MODES = ("relative", "absolute")


class PlateauPerturbation(keras.callbacks.Callback):
    """Add random noise to the weights when `monitor` has stopped improving.

    The BP lecture (seed 002, "全局最小 vs. 局部极小") lists random perturbation
    and simulated annealing among the ways to leave a local minimum. This
    callback is both, as one rule checked at the end of every epoch:

    1. Plateau: `monitor` has not improved on its best value by more than
       `min_delta` for `patience` epochs (the test of
       `keras.callbacks.ReduceLROnPlateau`).
    2. Perturbation k (k = 0, 1, 2, ...): every trainable weight tensor `w`
       (kernels and biases) becomes `w + sigma_k * eps`, `eps ~ N(0, 1)` per
       entry, with

           sigma_k = scale * decay**k * rms(w)    (noise="relative")
           sigma_k = scale * decay**k             (noise="absolute")

       `rms(w) = sqrt(mean(w**2))` is the tensor's standard deviation about
       zero (for zero-mean initialisations it is their standard deviation; a
       one-element bias still gets noise; an all-zero tensor gets none).
       `decay < 1` lowers the step like the temperature of simulated
       annealing.
    3. Acceptance (`revert_after=r`): `r` epochs after a perturbation, if
       `monitor` is not better than its best value before the perturbation
       (by more than `min_delta`), the weights from just before the
       perturbation are restored — simulated annealing's acceptance test at
       zero temperature, i.e. keep the best. With `revert_after=None` every
       perturbed point is kept (plain random perturbation).

    After a perturbation (or a revert) the plateau count starts again; at most
    `max_perturbations` perturbations are made. Optimizer state (momentum,
    Adam moments) is left alone. The noise is drawn with NumPy and assigned
    from `on_epoch_end`, outside the traced train step, so any
    `steps_per_execution`, `tf.distribute` strategy (cross-replica
    assignment) and mixed precision (float32 variables) work unchanged
    (Keras 3.15 itself cannot combine `steps_per_execution > 1` with
    `MirroredStrategy`, keras-team/keras#19246). Each
    epoch's logs get `perturbations`, the number made so far in this `fit`;
    `events` lists `(epoch, action, sigma_factor)` with action "perturb",
    "revert" or "keep". State is reset when `fit` starts.

    Args:
        monitor: quantity in the epoch logs, e.g. "loss" or "val_loss".
        patience: epochs without improvement before a perturbation, >= 1.
        min_delta: smallest change that counts as an improvement, >= 0.
        mode: "min" (lower is better) or "max".
        scale: noise scale, > 0: a fraction of each tensor's rms
            (`noise="relative"`) or a standard deviation (`"absolute"`).
        noise: "relative" or "absolute".
        decay: factor in (0, 1] applied to the scale after every perturbation.
        revert_after: epochs after a perturbation at which a point no better
            than before is reverted, >= 1; None keeps every perturbation.
        max_perturbations: the most perturbations per `fit`, >= 0; None for
            no limit.
        seed: seed of the noise; None draws one from NumPy's global generator
            (so `keras.utils.set_random_seed` makes runs repeatable).
        verbose: 1 prints a line for every perturbation and revert.

    XOR with two sigmoid hidden units, where full-batch BP often stalls at
    E = 1/16 (two patterns at 0.5); one epoch is 200 full-batch updates
    (`mlzoo run bp_local_minima` measures the effect over 50 seeds).

    Examples:
        >>> import keras, numpy as np
        >>> x_xor = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
        >>> y_xor = np.array([[0], [1], [1], [0]], "float32")
        >>> model = keras.Sequential([keras.Input((2,)),
        ...                           keras.layers.Dense(2, activation="sigmoid"),
        ...                           keras.layers.Dense(1, activation="sigmoid")])
        >>> model.compile(keras.optimizers.SGD(1.0), loss="mse", loss_weights=0.5,
        ...               steps_per_execution=200)  # loss: the lecture's E = mean ½(ŷ − y)²
        >>> x, y = np.tile(x_xor, (200, 1)), np.tile(y_xor, (200, 1))  # 200 batches of XOR
        >>> history = model.fit(x, y, batch_size=4, shuffle=False, epochs=50, verbose=0,
        ...                     callbacks=[
        ...     PlateauPerturbation("loss", patience=2, min_delta=1e-3, scale=1.0)])
        >>> history.history["perturbations"][-1] > 0   # the plateaus it met were perturbed
        True
    """

    def __init__(
        self,
        monitor: str = "loss",
        patience: int = 10,
        min_delta: float = 0.0,
        mode: str = "min",
        scale: float = 0.5,
        noise: str = "relative",
        decay: float = 1.0,
        revert_after: int | None = None,
        max_perturbations: int | None = None,
        seed: int | None = None,
        verbose: int = 0,
    ):
        super().__init__()
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"`monitor` must be a non-empty string; received {monitor!r}.")
        check_choice("mode", mode, ("min", "max"))
        check_choice("noise", noise, _NOISE_MODES)
        check_positive("scale", scale)
        if not _is_real(decay) or not 0 < decay <= 1:
            raise ValueError(f"`decay` must be in (0, 1]; received decay={decay!r}.")
        if max_perturbations is not None and (
            isinstance(max_perturbations, bool)
            or not isinstance(max_perturbations, numbers.Integral)
            or max_perturbations < 0
        ):
            raise ValueError(
                "`max_perturbations` must be None or a non-negative integer; received "
                f"max_perturbations={max_perturbations!r}."
            )
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise TypeError(f"`seed` must be None or an integer; received seed={seed!r}.")
        self.monitor, self.mode, self.noise = monitor, mode, noise
        self.patience = check_positive_int("patience", patience)
        self.min_delta = check_non_negative("min_delta", min_delta)
        self.scale, self.decay = float(scale), float(decay)
        self.revert_after = (
            None if revert_after is None else check_positive_int("revert_after", revert_after)
        )
        self.max_perturbations = None if max_perturbations is None else int(max_perturbations)
        self.seed, self.verbose = seed, verbose
        self._rng = np.random.default_rng(
            np.random.randint(2**31 - 1) if seed is None else int(seed)
        )

    def on_train_begin(self, logs=None):
        self.best = None
        self.wait = 0
        self.perturbations = 0
        self.events: list[tuple[int, str, float]] = []
        self._saved_weights = None  # weights before the perturbation under evaluation
        self._best_before = None
        self._since_perturbation = None

    def _improves(self, value: float, reference: float | None) -> bool:
        if reference is None:
            return True
        if self.mode == "min":
            return value < reference - self.min_delta
        return value > reference + self.min_delta

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        value = logs.get(self.monitor)
        if value is None:
            raise KeyError(
                f"PlateauPerturbation monitors {self.monitor!r}, which is not in the logs "
                f"(available: {sorted(logs)})."
            )
        value = float(value)
        if self._since_perturbation is not None:
            self._since_perturbation += 1
            if self._since_perturbation >= self.revert_after:
                self._accept_or_revert(epoch, value)
        elif self._improves(value, self.best):
            self.best, self.wait = value, 0
        else:
            self.wait += 1
            if self.wait >= self.patience and self._may_perturb():
                self._perturb(epoch)
        logs["perturbations"] = self.perturbations

    def _may_perturb(self) -> bool:
        return self.max_perturbations is None or self.perturbations < self.max_perturbations

    def _perturb(self, epoch: int) -> None:
        factor = self.scale * self.decay**self.perturbations
        variables = self.model.trainable_weights
        current = [keras.ops.convert_to_numpy(v) for v in variables]
        for variable, value in zip(variables, current, strict=True):
            sigma = factor
            if self.noise == "relative":
                sigma *= float(np.sqrt(np.mean(np.square(value, dtype="float64"))))
            noise = self._rng.standard_normal(value.shape)
            variable.assign((value + sigma * noise).astype(value.dtype))
        self.perturbations += 1
        self.events.append((epoch, "perturb", factor))
        self.wait = 0
        if self.revert_after is None:
            self.best = None
        else:
            self._saved_weights, self._best_before = current, self.best
            self._since_perturbation = 0
        if self.verbose:
            print(
                f"\nEpoch {epoch + 1}: PlateauPerturbation: {self.monitor} has not improved "
                f"for {self.patience} epochs; perturbation {self.perturbations} "
                f"(scale {factor:.4g}, {self.noise})."
            )

    def _accept_or_revert(self, epoch: int, value: float) -> None:
        if self._improves(value, self._best_before):
            self.best = value
            self.events.append((epoch, "keep", 0.0))
        else:
            for variable, saved in zip(
                self.model.trainable_weights, self._saved_weights, strict=True
            ):
                variable.assign(saved)
            self.best = self._best_before
            self.events.append((epoch, "revert", 0.0))
            if self.verbose:
                print(
                    f"\nEpoch {epoch + 1}: PlateauPerturbation: {self.monitor}={value:.4g} is "
                    f"no better than {self._best_before:.4g}; weights reverted."
                )
        self._saved_weights, self._best_before, self._since_perturbation = None, None, None
        self.wait = 0

    def get_config(self):
        return {
            "monitor": self.monitor,
            "patience": self.patience,
            "min_delta": self.min_delta,
            "mode": self.mode,
            "scale": self.scale,
            "noise": self.noise,
            "decay": self.decay,
            "revert_after": self.revert_after,
            "max_perturbations": self.max_perturbations,
            "seed": self.seed,
            "verbose": self.verbose,
        }


def _is_real(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, numbers.Real)
