"""The networks that greedy pre-training initialises: the thesis's MLP and CNN classifiers."""

from __future__ import annotations

from collections.abc import Sequence

import keras

from mlzoo._checks import (
    check_choice,
    check_class_labels,
    check_fraction,
    check_hidden_units,
    check_positive_int,
    one_hot_for_loss,
)
from mlzoo.models.registry import register
from mlzoo.models.zoo_model import ZooModel

KINDS = ("mlp", "cnn")
ENCODER_PREFIX = "encoder_"


@keras.saving.register_keras_serializable(package="mlzoo")
class PretrainableClassifier(ZooModel):
    """Image classifier whose `encoder_i` layers a `GreedyPretrainer` initialises.

    A plain functional network (same size with or without pre-training, as the
    thesis requires): saliency maps are used only while pre-training, never by
    this model.

    - `kind="mlp"` (section 2.4.2): image -> flatten -> Dense `encoder_1..L`
      (ReLU) -> softmax; the thesis's medium net is `hidden_units=(2000, 1000, 2000)`.
    - `kind="cnn"` (section 3.4.1): 24x24x3 crops -> [Conv2D 5x5x32 `encoder_i`
      -> 2x2 max pooling] x 3 -> Dense 64 -> softmax.

    `fit`/`evaluate`/`predict` reject wrong shapes, non-numeric or NaN inputs,
    overflowing magnitudes and bad labels with a clear error. Labels: integer
    classes for a sparse loss (the default: Adam, sparse cross-entropy),
    one-hot rows for Keras' other losses.

    Args:
        input_shape: image shape `(H, W)` or `(H, W, C)`.
        num_classes: classes of the softmax output.
        kind: "mlp" or "cnn".
        hidden_units: widths of the MLP's encoder layers.
        filters: filters of the CNN's encoder (convolution) layers.
        kernel_size: CNN kernel size.
        pool_size: CNN max-pooling size after each convolution.
        dense_units: width of the CNN's fully connected layer (0: none), >= 0.
        activation: hidden activation (the thesis: ReLU).
        dropout: dropout rate before the output layer, in [0, 1).
        **kwargs: `keras.Model` arguments (`name`).

    Examples:
        >>> model = build_pretrainable_mlp((32, 32, 3), 10, hidden_units=(500, 500, 1000))
        >>> [layer.name for layer in model.encoder_layers]
        ['encoder_1', 'encoder_2', 'encoder_3']
    """

    def __init__(
        self,
        input_shape: Sequence[int],
        num_classes: int,
        kind: str = "mlp",
        hidden_units: Sequence[int] = (500, 500, 1000),
        filters: Sequence[int] = (32, 32, 32),
        kernel_size: int = 5,
        pool_size: int = 2,
        dense_units: int = 64,
        activation: str = "relu",
        dropout: float = 0.0,
        **kwargs,
    ):
        check_choice("kind", kind, KINDS)
        shape = tuple(check_positive_int("input_shape", d) for d in input_shape)
        if len(shape) not in (2, 3):
            raise ValueError(
                f"`input_shape` must be an image shape (H, W) or (H, W, C); received {shape}."
            )
        num_classes = check_positive_int("num_classes", num_classes)
        check_fraction("dropout", dropout, high=0.99)
        if isinstance(dense_units, bool) or not isinstance(dense_units, int) or dense_units < 0:
            raise ValueError(
                "`dense_units` must be a non-negative integer (0: no dense layer); received "
                f"dense_units={dense_units!r}."
            )
        config = {
            "hidden_units": check_hidden_units(list(hidden_units)),
            "filters": [check_positive_int("filters", f) for f in filters],
            "kernel_size": check_positive_int("kernel_size", kernel_size),
            "pool_size": check_positive_int("pool_size", pool_size),
            "dense_units": dense_units,
            "activation": activation,
        }
        if kind == "cnn" and not config["filters"]:
            raise ValueError("`filters` must name at least one convolution layer.")
        inputs = keras.Input(shape, name="image")
        h = _cnn_body(inputs, config) if kind == "cnn" else _mlp_body(inputs, config)
        if dropout:
            h = keras.layers.Dropout(dropout, name="dropout")(h)
        outputs = keras.layers.Dense(
            num_classes, activation="softmax", dtype="float32", name="classifier"
        )(h)
        super().__init__(inputs, outputs, **kwargs)
        self.num_classes = num_classes

    @property
    def encoder_layers(self) -> list[keras.layers.Layer]:
        """The layers pre-training initialises, bottom up (`encoder_1`, `encoder_2`, ...)."""
        return [layer for layer in self.layers if layer.name.startswith(ENCODER_PREFIX)]

    def compile_defaults(self) -> dict:
        """Adam and sparse cross-entropy (integer labels)."""
        return {"optimizer": "adam", "loss": "sparse_categorical_crossentropy"}

    def check_data(self, x, y, where: str) -> None:
        if y is not None:
            one_hot = one_hot_for_loss(getattr(self, "_compile_args", {}).get("loss"))
            check_class_labels(f"{where} y", y, self.num_classes, one_hot=one_hot)


def _mlp_body(inputs, config):
    h = keras.layers.Flatten(name="flatten")(inputs)
    for i, units in enumerate(config["hidden_units"], start=1):
        h = keras.layers.Dense(units, activation=config["activation"], name=f"encoder_{i}")(h)
    return h


def _cnn_body(inputs, config):
    h = inputs if len(inputs.shape) == 4 else keras.layers.Reshape((*inputs.shape[1:], 1))(inputs)
    for i, filters in enumerate(config["filters"], start=1):
        h = keras.layers.Conv2D(
            filters,
            config["kernel_size"],
            padding="same",
            activation=config["activation"],
            name=f"encoder_{i}",
        )(h)
        h = keras.layers.MaxPooling2D(config["pool_size"], padding="same", name=f"pool_{i}")(h)
    h = keras.layers.Flatten(name="flatten")(h)
    if config["dense_units"] > 0:
        h = keras.layers.Dense(
            config["dense_units"], activation=config["activation"], name="hidden"
        )(h)
    return h


@register("pretrainable_mlp")
def build_pretrainable_mlp(
    input_shape: Sequence[int],
    num_classes: int,
    hidden_units: Sequence[int] = (500, 500, 1000),
    activation: str = "relu",
    dropout: float = 0.0,
    name: str = "pretrainable_mlp",
) -> PretrainableClassifier:
    """Fully connected classifier of section 2.4.2 (flatten -> ReLU encoders -> softmax).

    The thesis's sizes: small 3072-500-500-1000-10, medium 3072-2000-1000-2000-10.

    Examples:
        >>> model = build_pretrainable_mlp((32, 32, 3), 10)
        >>> model.count_params()
        2298010
    """
    return PretrainableClassifier(
        input_shape,
        num_classes,
        kind="mlp",
        hidden_units=hidden_units,
        activation=activation,
        dropout=dropout,
        name=name,
    )


@register("pretrainable_cnn")
def build_pretrainable_cnn(
    input_shape: Sequence[int] = (24, 24, 3),
    num_classes: int = 10,
    filters: Sequence[int] = (32, 32, 32),
    kernel_size: int = 5,
    pool_size: int = 2,
    dense_units: int = 64,
    activation: str = "relu",
    dropout: float = 0.0,
    name: str = "pretrainable_cnn",
) -> PretrainableClassifier:
    """Convolutional classifier of section 3.4.1: [conv 5x5x32 -> pool 2] x 3 -> 64 -> softmax.

    Examples:
        >>> model = build_pretrainable_cnn()
        >>> [layer.name for layer in model.encoder_layers]
        ['encoder_1', 'encoder_2', 'encoder_3']
    """
    return PretrainableClassifier(
        input_shape,
        num_classes,
        kind="cnn",
        filters=filters,
        kernel_size=kernel_size,
        pool_size=pool_size,
        dense_units=dense_units,
        activation=activation,
        dropout=dropout,
        name=name,
    )
