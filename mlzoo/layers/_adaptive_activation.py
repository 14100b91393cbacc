"""Shared machinery of activations with a per-unit slope and offset that learn by a rule."""

from __future__ import annotations

import contextlib
import math
import numbers

import keras
from keras import ops

from mlzoo.constraints.min_value import MinValue

RULES = ("fixed", "task", "infomax", "joint", "triesch")
_PLASTIC = ("infomax", "joint", "triesch")  # rules that add the intrinsic-plasticity signal
_TASK_BLIND = ("infomax", "triesch")  # rules where the task loss does not move a and b


class AdaptiveActivation(keras.layers.Layer):
    """Base of `AdaptiveSigmoid` and `AdaptiveTanh`: `y = f(a * u + b)` per unit.

    Subclasses define `_activate(z)` and `_rule_factor(y)`, the rule's offset
    update `db` as a function of the output (e.g. `1 - 2y`, eq. 2.11); the slope
    update follows as `da = 1/a + u * db` (eq. 2.10, B.4 and Triesch's rule all
    have this form). The update is added with `add_loss` as the zero-valued term
    `t - stop_gradient(t)`, `t = -ip_rate * sum_units(a * sg(E[da]) + b * sg(E[db]))`
    (`sg` = stop_gradient, `E` = batch mean): its gradient on `a`, `b` is
    exactly `-ip_rate * E[da]`, `-ip_rate * E[db]`, the weights before the layer
    receive none of it, and the logged loss stays the task loss. With plain SGD
    at rate `lr` a step moves `a` and `b` by `lr * ip_rate * E[da]`,
    `lr * ip_rate * E[db]` (gradient ascent on the rule's objective).

    Sample weights: while a model's training step runs inside
    `weighted_plasticity(layers, sample_weight)`, `E` is the weighted mean
    `(1/N) sum_j w_j (...)_j` (Keras' "sum_over_batch_size" convention, as for
    the task loss), so a sample of weight 0 moves neither `a` nor `b`.
    """

    rules: tuple[str, ...] = RULES

    def __init__(
        self,
        rule: str = "infomax",
        ip_rate: float = 1.0,
        min_slope: float = 1e-3,
        target_mean: float = 0.2,
        slope_initializer="ones",
        offset_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if rule not in self.rules:
            raise ValueError(
                f"`rule` must be one of {', '.join(map(repr, self.rules))}; received rule={rule!r}."
            )
        self.rule = rule
        self.ip_rate = _check_real("ip_rate", ip_rate, low=0.0)
        self.min_slope = _check_real("min_slope", min_slope, low=0.0, open_low=True)
        self.target_mean = _check_real("target_mean", target_mean, low=0.0, high=1.0, open_low=True)
        self.slope_initializer = keras.initializers.get(slope_initializer)
        self.offset_initializer = keras.initializers.get(offset_initializer)

    def build(self, input_shape):
        units = input_shape[-1]
        if units is None:
            raise ValueError(
                f"Layer '{self.name}' needs a known last dimension (one slope and offset per "
                f"unit); received input shape {tuple(input_shape)}."
            )
        trainable = self.rule != "fixed"
        self.slope = self.add_weight(
            name="slope",
            shape=(units,),
            initializer=self.slope_initializer,
            constraint=MinValue(self.min_slope),
            trainable=trainable,
        )
        self.offset = self.add_weight(
            name="offset", shape=(units,), initializer=self.offset_initializer, trainable=trainable
        )
        # A variable read inside the traced step, so `IPRateScheduler` can change it between
        # epochs (also under `steps_per_execution` and `MirroredStrategy`). Every rule has it,
        # so all rules share one weight layout and `set_weights` works across rules.
        self.ip_rate_variable = self.add_weight(
            name="ip_rate",
            shape=(),
            initializer=keras.initializers.Constant(self.ip_rate),
            dtype="float32",
            trainable=False,
            autocast=False,
        )

    @property
    def plastic(self) -> bool:
        """Whether the rule adds the intrinsic-plasticity signal (infomax, joint, triesch)."""
        return self.rule in _PLASTIC

    @property
    def current_ip_rate(self) -> float:
        """The plasticity rate in use now (`ip_rate` is the initial one, as configured)."""
        if not self.built:
            return self.ip_rate
        return float(ops.convert_to_numpy(self.ip_rate_variable))

    def set_ip_rate(self, value: float) -> None:
        """Set the plasticity rate of the coming steps (e.g. from a schedule)."""
        if not self.plastic:
            raise ValueError(
                f"Layer '{self.name}' has rule={self.rule!r}, which has no plasticity rate; "
                f"only {', '.join(map(repr, _PLASTIC))} use `ip_rate`."
            )
        if not self.built:
            raise ValueError(f"Layer '{self.name}' must be built before its rate is set.")
        self.ip_rate_variable.assign(_check_real("ip_rate", value, low=0.0))

    def call(self, inputs, training=None):
        slope = ops.maximum(self.slope, self.min_slope)
        offset = self.offset
        if self.rule in _TASK_BLIND:
            slope, offset = ops.stop_gradient(slope), ops.stop_gradient(offset)
        outputs = self._activate(slope * inputs + offset)
        if training and self.rule in _PLASTIC:
            self.add_loss(self._plasticity_term(inputs, outputs))
        return outputs

    def _plasticity_term(self, inputs, outputs):
        """Zero-valued loss whose gradient on (a, b) is minus the rule's update."""
        u = ops.stop_gradient(ops.cast(inputs, "float32"))
        y = ops.stop_gradient(ops.cast(outputs, "float32"))
        a = ops.maximum(ops.cast(self.slope, "float32"), self.min_slope)
        b = ops.cast(self.offset, "float32")
        db = self._rule_factor(y)
        batch_axes = tuple(range(len(db.shape) - 1))
        weight = self.__dict__.get("_sample_weight")
        if weight is None:
            mean_db = ops.mean(db, axis=batch_axes)
            mean_da = ops.stop_gradient(1.0 / a) + ops.mean(u * db, axis=batch_axes)
        else:  # E_w[f] = (1/N) sum_j w_j f_j, also for the 1/a term of da
            weight = ops.cast(weight, "float32")
            weight = ops.reshape(
                weight, ops.shape(weight) + (1,) * (len(db.shape) - len(weight.shape))
            )
            mean_db = ops.mean(weight * db, axis=batch_axes)
            mean_da = ops.mean(weight * (ops.stop_gradient(1.0 / a) + u * db), axis=batch_axes)
        ascent = ops.sum(a * ops.stop_gradient(mean_da) + b * ops.stop_gradient(mean_db))
        term = -ops.cast(self.ip_rate_variable, "float32") * ascent
        return term - ops.stop_gradient(term)

    def _activate(self, z):
        raise NotImplementedError

    def _rule_factor(self, y):
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "rule": self.rule,
                "ip_rate": self.ip_rate,
                "min_slope": self.min_slope,
                "target_mean": self.target_mean,
                "slope_initializer": keras.initializers.serialize(self.slope_initializer),
                "offset_initializer": keras.initializers.serialize(self.offset_initializer),
            }
        )
        return config


@contextlib.contextmanager
def weighted_plasticity(layers, sample_weight):
    """Within this block, `layers` weight their plasticity update by `sample_weight` (N,).

    Meant around a model's (traced) training step: `sample_weight` is that
    step's weight tensor; None leaves the plain batch mean.
    """
    layers = list(layers)
    for layer in layers:
        object.__setattr__(layer, "_sample_weight", sample_weight)  # a tensor: not tracked
    try:
        yield
    finally:
        for layer in layers:
            object.__setattr__(layer, "_sample_weight", None)


def _check_real(name, value, *, low, high=math.inf, open_low=False) -> float:
    bad = isinstance(value, bool) or not isinstance(value, numbers.Real)
    if not bad:
        value = float(value)
        bad = not (math.isfinite(value) and (value > low if open_low else value >= low))
        bad = bad or value > high
    if bad:
        bracket = "(" if open_low else "["
        raise ValueError(
            f"`{name}` must be a finite number in {bracket}{low}, {high}]; "
            f"received {name}={value!r}."
        )
    return value
