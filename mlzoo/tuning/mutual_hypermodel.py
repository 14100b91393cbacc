"""KerasTuner HyperModel for the mutual learning MLP."""

from __future__ import annotations

import keras
import keras_tuner

from mlzoo._checks import check_positive_int
from mlzoo.callbacks.lr_shrink import LRShrink
from mlzoo.models.mutual.mutual_mlp import build_mutual_mlp
from mlzoo.models.mutual.training_plan import MODES, training_plan


class MutualMLPHyperModel(keras_tuner.HyperModel):
    """Search space over the mutual MLP and its training procedure.

    `build(hp)` declares the architecture and optimizer spaces and calls
    `build_mutual_mlp`; `fit(hp, model, ...)` declares the procedure spaces
    (training mode of Table 1 and conversion rate ε) and trains with the
    matching `training_plan`. `epochs` passed to the tuner's `search` is the
    STD-PL budget K; each mode turns it into its own number of epochs.

    Args:
        input_dim: width of x.
        output_dim: number of classes.
        hidden_units: candidate hidden widths.
        learning_rates: candidate SGD learning rates.
        modes: candidate training modes (names of Table 1).
        momentum: SGD momentum (the paper: 0.9).
        lr_shrink: `(scale_index, scale_lr, change_times)` of Algorithm 1, or None.

    Examples:
        >>> import keras_tuner, mlzoo
        >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)
        >>> y = mlzoo.datasets.one_hot(y)
        >>> tuner = keras_tuner.RandomSearch(
        ...     MutualMLPHyperModel(input_dim=64, output_dim=10),
        ...     objective="val_accuracy", max_trials=2)
        >>> tuner.search(x[:1000], y[:1000], epochs=2, validation_data=(x[1000:], y[1000:]),
        ...              verbose=0)
        >>> len(tuner.oracle.trials)
        2
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        hidden_units=(16, 32, 64, 128, 300),
        learning_rates=(0.05, 0.1, 0.2, 0.5),
        modes=MODES,
        momentum: float = 0.9,
        lr_shrink: tuple[float, float, int] | None = (2 / 3, 2 / 3, 4),
        name: str | None = "mutual_mlp",
        tunable: bool = True,
    ):
        super().__init__(name=name, tunable=tunable)
        self.input_dim = check_positive_int("input_dim", input_dim)
        self.output_dim = check_positive_int("output_dim", output_dim)
        unknown = [m for m in modes if m not in MODES]
        if unknown or not modes:
            raise ValueError(f"`modes` must be a non-empty subset of {MODES}; received {modes!r}.")
        self.hidden_units = [check_positive_int("hidden_units", h) for h in hidden_units]
        if not learning_rates or any(lr <= 0 for lr in learning_rates):
            raise ValueError(f"`learning_rates` must be positive; received {learning_rates!r}.")
        self.learning_rates = list(learning_rates)
        self.modes = list(modes)
        self.momentum = momentum
        self.lr_shrink = lr_shrink

    def build(self, hp: keras_tuner.HyperParameters) -> keras.Model:
        model = build_mutual_mlp(
            self.input_dim, hp.Choice("hidden_units", self.hidden_units), self.output_dim
        )
        learning_rate = hp.Choice("learning_rate", self.learning_rates)
        model.compile(
            optimizer=keras.optimizers.SGD(learning_rate, momentum=self.momentum),
            metrics=["accuracy"],
        )
        return model

    def fit(self, hp, model, *args, epochs: int = 1, callbacks=None, **kwargs):
        mode = hp.Choice("mode", self.modes)
        rate = 0.0
        if mode in ("EPT-ML", "EIT-ML"):
            with hp.conditional_scope("mode", ["EPT-ML", "EIT-ML"]):
                rate = hp.Float("conversion_rate", 0.02, 0.3, sampling="log")
        plan = training_plan(mode, epochs, rate)
        extra = [] if self.lr_shrink is None else [LRShrink(*self.lr_shrink, plan.epochs)]
        return model.fit(
            *args,
            epochs=plan.epochs,
            callbacks=[*(callbacks or []), *plan.callbacks, *extra],
            **kwargs,
        )
