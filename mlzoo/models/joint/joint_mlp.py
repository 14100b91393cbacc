"""MLP whose hidden and output units have adaptive activations (joint learning)."""

from __future__ import annotations

from collections.abc import Sequence

import keras

from mlzoo._checks import (
    check_hidden_units,
    check_non_negative,
    check_positive_int,
    check_sample_shape,
)
from mlzoo.layers._adaptive_activation import AdaptiveActivation, weighted_plasticity
from mlzoo.layers.adaptive_sigmoid import AdaptiveSigmoid
from mlzoo.layers.adaptive_tanh import AdaptiveTanh
from mlzoo.losses.squared_error import SquaredError
from mlzoo.models.registry import register
from mlzoo.models.zoo_model import ZooModel

ADAPTIVE_LAYERS = {"sigmoid": AdaptiveSigmoid, "tanh": AdaptiveTanh}


@keras.saving.register_keras_serializable(package="mlzoo")
class JointMLP(ZooModel):
    """The network of figure 3.1 of the joint-learning seed, any depth.

    `x -> [Dense(h_i) -> Adaptive(rule)]* -> Dense(output_dim) -> Adaptive(rule)`:
    each unit computes `f(a * u + b)` with its own slope `a` and offset `b`
    (`mlzoo.layers.AdaptiveSigmoid` / `AdaptiveTanh`). The weights follow the
    task loss; `rule` says what moves `a` and `b` (see `AdaptiveSigmoid`).
    `rule="fixed"` is the plain MLP baseline with the same parameters.
    `sample_weight` weights both the task loss and the plasticity update
    (`E_w[.] = (1/N) sum_j w_j (.)_j`): a sample of weight 0 moves nothing.

    Args:
        input_dim: width of x.
        hidden_units: width of the hidden layer, or a list of widths.
        output_dim: number of outputs (classes).
        rule: "fixed", "task", "infomax", "joint" or "triesch" (sigmoid only).
        activation: "sigmoid" or "tanh": the adaptive unit of every layer.
        ip_rate: plasticity rate relative to the optimizer's learning rate.
        output_activation: None for adaptive output units (figure 3.1), or a
            Keras activation name (e.g. "softmax") for a plain output layer.
        target_mean: mean of Triesch's target distribution.
        l2: L2 penalty on the Dense kernels.
        kernel_initializer: initializer of the Dense kernels.
        **kwargs: `keras.Model` arguments (`name`, ...).

    Examples:
        >>> import keras, mlzoo
        >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)
        >>> model = mlzoo.build_joint_mlp(64, 30, 10, rule="infomax", ip_rate=0.1)
        >>> model.compile(optimizer=keras.optimizers.SGD(0.5), loss=mlzoo.losses.SquaredError())
        >>> history = model.fit(x, mlzoo.datasets.one_hot(y), epochs=3, verbose=0,
        ...                     callbacks=[mlzoo.callbacks.ActivationStats(x[:500])])
        >>> [name for name in history.history if name.endswith("/slope")]
        ['adaptive_1/slope', 'adaptive_output/slope']
    """

    def __init__(
        self,
        input_dim: int,
        hidden_units: int | Sequence[int],
        output_dim: int,
        rule: str = "infomax",
        activation: str = "sigmoid",
        ip_rate: float = 1.0,
        output_activation: str | None = None,
        target_mean: float = 0.2,
        l2: float = 0.0,
        kernel_initializer="glorot_uniform",
        **kwargs,
    ):
        input_dim = check_positive_int("input_dim", input_dim)
        output_dim = check_positive_int("output_dim", output_dim)
        widths = check_hidden_units(hidden_units)
        l2 = check_non_negative("l2", l2)
        if activation not in ADAPTIVE_LAYERS:
            raise ValueError(
                f"`activation` must be 'sigmoid' or 'tanh'; received activation={activation!r}."
            )
        adaptive = ADAPTIVE_LAYERS[activation]
        unit_args = {"rule": rule, "ip_rate": ip_rate}
        if activation == "sigmoid":
            unit_args["target_mean"] = target_mean
        regularizer = keras.regularizers.L2(l2) if l2 else None

        def dense(width, name, **extra):
            return keras.layers.Dense(
                width,
                kernel_initializer=kernel_initializer,
                kernel_regularizer=regularizer,
                name=name,
                **extra,
            )

        x = keras.Input((input_dim,), name="x")
        h = x
        for i, width in enumerate(widths, start=1):
            h = adaptive(**unit_args, name=f"adaptive_{i}")(dense(width, f"dense_{i}")(h))
        if output_activation is None:
            scores = dense(output_dim, "dense_output")(h)
            scores = adaptive(**unit_args, dtype="float32", name="adaptive_output")(scores)
        else:
            scores = dense(
                output_dim, "dense_output", activation=output_activation, dtype="float32"
            )(h)
        super().__init__(inputs=x, outputs=scores, **kwargs)
        self.input_dim, self.output_dim = input_dim, output_dim
        self.rule, self.activation = rule, activation

    @property
    def adaptive_layers(self) -> list:
        """The adaptive activation layers, input side first."""
        return [layer for layer in self.layers if isinstance(layer, AdaptiveActivation)]

    def train_step(self, *args):
        """Keras' step; the plasticity update of the adaptive layers honours `sample_weight`.

        `args` is `(data,)` on TensorFlow and `(state, data)` on JAX, passed on as is.
        """
        _, _, sample_weight = keras.utils.unpack_x_y_sample_weight(args[-1])
        with weighted_plasticity(self.adaptive_layers, sample_weight):
            return super().train_step(*args)

    def compile_defaults(self) -> dict:
        """SGD(0.1, momentum 0.9) on the seed's squared error (eq. 3.4)."""
        return {
            "optimizer": keras.optimizers.SGD(0.1, momentum=0.9),
            "loss": SquaredError(),
        }

    def check_data(self, x, y, where: str) -> None:
        if y is not None:
            check_sample_shape(f"{where} y", y, (self.output_dim,), _LABEL_HINT)


_LABEL_HINT = (
    " The output layer has one unit per class: pass one-hot labels, e.g. "
    "`mlzoo.datasets.one_hot(labels, num_classes)`."
)


@register("joint_mlp")
def build_joint_mlp(
    input_dim: int,
    hidden_units: int | Sequence[int],
    output_dim: int,
    rule: str = "infomax",
    **kwargs,
) -> JointMLP:
    """Build a joint-learning MLP (figure 3.1 of the seed); see `JointMLP` for every argument.

    Compile it with any Keras optimizer and loss; the seed's objective is the
    squared error `e = 1/2 ||d - y||^2` (eq. 3.4), i.e. `mlzoo.losses.SquaredError`.
    """
    return JointMLP(input_dim, hidden_units, output_dim, rule=rule, **kwargs)
