"""KerasTuner HyperModel for the joint-learning MLP."""

from __future__ import annotations

import keras
import keras_tuner

from mlzoo._checks import check_hidden_units, check_positive_int
from mlzoo.layers._adaptive_activation import RULES
from mlzoo.losses.squared_error import SquaredError
from mlzoo.models.joint.joint_mlp import build_joint_mlp


class JointMLPHyperModel(keras_tuner.HyperModel):
    """Search space over `build_joint_mlp`: hidden width, rule, plasticity rate, learning rate.

    `ip_rate` is declared only for rules that use it, and `target_mean` only
    for "triesch". Compiled with SGD (momentum 0.9) and `SquaredError` (eq. 3.4)
    and an accuracy metric.

    Examples:
        >>> import keras_tuner, mlzoo
        >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)
        >>> y = mlzoo.datasets.one_hot(y)
        >>> tuner = keras_tuner.RandomSearch(
        ...     JointMLPHyperModel(input_dim=64, output_dim=10),
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
        hidden_units=(16, 32, 64, 128),
        rules=("fixed", "task", "infomax", "joint", "triesch"),
        learning_rates=(0.05, 0.1, 0.2, 0.5),
        activation: str = "sigmoid",
        name: str | None = "joint_mlp",
        tunable: bool = True,
    ):
        super().__init__(name=name, tunable=tunable)
        self.input_dim = check_positive_int("input_dim", input_dim)
        self.output_dim = check_positive_int("output_dim", output_dim)
        self.hidden_units = check_hidden_units(list(hidden_units))
        unknown = [rule for rule in rules if rule not in RULES]
        if unknown or not rules:
            raise ValueError(f"`rules` must be a non-empty subset of {RULES}; received {rules!r}.")
        if activation == "tanh" and "triesch" in rules:
            raise ValueError("`rules` for activation='tanh' cannot include 'triesch'.")
        if not learning_rates or any(lr <= 0 for lr in learning_rates):
            raise ValueError(f"`learning_rates` must be positive; received {learning_rates!r}.")
        self.rules, self.learning_rates = list(rules), list(learning_rates)
        self.activation = activation

    def build(self, hp: keras_tuner.HyperParameters) -> keras.Model:
        rule = hp.Choice("rule", self.rules)
        extra = {}
        if rule in ("infomax", "joint", "triesch"):
            with hp.conditional_scope("rule", ["infomax", "joint", "triesch"]):
                extra["ip_rate"] = hp.Float("ip_rate", 1e-4, 1.0, sampling="log")
        if rule == "triesch":
            with hp.conditional_scope("rule", ["triesch"]):
                extra["target_mean"] = hp.Float("target_mean", 0.05, 0.5, sampling="log")
        model = build_joint_mlp(
            self.input_dim,
            hp.Choice("hidden_units", self.hidden_units),
            self.output_dim,
            rule=rule,
            activation=self.activation,
            **extra,
        )
        model.compile(
            optimizer=keras.optimizers.SGD(
                hp.Choice("learning_rate", self.learning_rates), momentum=0.9
            ),
            loss=SquaredError(),
            metrics=["accuracy"],
        )
        return model
