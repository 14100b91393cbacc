"""Extra decoder from a hidden code to a saliency map (or any target tensor)."""

from __future__ import annotations

import math

import keras
from keras import ops

from mlzoo._checks import check_choice, check_positive_int

_KINDS = ("dense", "conv")


@keras.saving.register_keras_serializable(package="mlzoo")
class SaliencyReconstructionHead(keras.layers.Layer):
    """Decode a hidden code into a saliency map with its own weights.

    The saliency reconstruction branch of the thesis (§2.3.2.2 / §3.3.1): an
    extra decoder `R_S = g(h)` from the hidden code `h` to the saliency map `S`
    (or, in the dual-path model, to the auxiliary saliency stack's
    representation), trained with `||R_I - I||^2 + lambda * ||R_S - S||^2`.
    Attach it to any encoder output and give its output the weighted loss.

    - `kind="dense"`: `R_S = reshape(activation(flatten(h) @ W + b), target_shape)`.
    - `kind="conv"`: `h` must be `(N, h, w, c)`; it is resized bilinearly to the
      target's `(H, W)` if needed, then one `Conv2D` ("same" padding) with `C`
      filters (1 for a 2-D target) and `activation` gives the map.

    Args:
        target_shape: shape of one target without the batch axis: `(H, W)` for a
            map, `(H, W, C)` for a multi-channel target, `(D,)` for a flat one
            (`kind="dense"` only).
        kind: "dense" or "conv".
        activation: activation of the output (name or callable); "sigmoid"
            suits saliency maps in `[0, 1]`.
        kernel_size: kernel size of the convolution (`kind="conv"` only).
        kernel_initializer: initializer of the kernel.
        bias_initializer: initializer of the bias.
        kernel_regularizer: regularizer of the kernel.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Input shape: `(N, ...)` for "dense" (non-batch axes known), `(N, h, w, c)` for
    "conv". Output shape: `(N,) + target_shape`.

    Examples:
        >>> import keras, mlzoo
        >>> x = keras.Input((16, 16, 1))
        >>> code = keras.layers.Conv2D(8, 3, strides=2, padding="same")(x)
        >>> saliency = mlzoo.layers.SaliencyReconstructionHead((16, 16), kind="conv")(code)
        >>> tuple(saliency.shape)
        (None, 16, 16)
    """

    def __init__(
        self,
        target_shape: tuple[int, ...],
        kind: str = "dense",
        activation="sigmoid",
        kernel_size: int | tuple[int, int] = 5,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(target_shape, (list, tuple)) or not 1 <= len(target_shape) <= 3:
            raise ValueError(
                "`target_shape` must be a tuple (H, W), (H, W, C) or (D,) without the batch "
                f"axis; received target_shape={target_shape!r}."
            )
        self.target_shape = tuple(check_positive_int("target_shape", d) for d in target_shape)
        check_choice("kind", kind, _KINDS)
        if kind == "conv" and len(self.target_shape) == 1:
            raise ValueError(
                "`kind='conv'` needs a spatial target (H, W) or (H, W, C); received "
                f"target_shape={self.target_shape}. Use kind='dense' for a flat target."
            )
        self.kind = kind
        self.activation = keras.activations.get(activation)
        self.kernel_size = kernel_size
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        common = {
            "activation": self.activation,
            "kernel_initializer": self.kernel_initializer,
            "bias_initializer": self.bias_initializer,
            "kernel_regularizer": self.kernel_regularizer,
            "dtype": self.dtype_policy,
        }
        if kind == "dense":
            self.projection = keras.layers.Dense(
                math.prod(self.target_shape), name="projection", **common
            )
        else:
            channels = self.target_shape[2] if len(self.target_shape) == 3 else 1
            self.projection = keras.layers.Conv2D(
                channels, kernel_size, padding="same", name="projection", **common
            )

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if self.kind == "conv":
            if len(input_shape) != 4 or input_shape[-1] is None:
                raise ValueError(
                    f"Layer '{self.name}' with kind='conv' expects inputs of shape "
                    f"(N, h, w, c) with known c; received input shape {input_shape}."
                )
            self.projection.build((input_shape[0],) + self.target_shape[:2] + input_shape[3:])
        else:
            features = input_shape[1:]
            if not features or None in features:
                raise ValueError(
                    f"Layer '{self.name}' with kind='dense' expects inputs (N, ...) with known "
                    f"non-batch dimensions; received input shape {input_shape}."
                )
            self.projection.build((input_shape[0], math.prod(features)))

    def call(self, inputs):
        if self.kind == "dense":
            outputs = self.projection(ops.reshape(inputs, (-1, math.prod(inputs.shape[1:]))))
        else:
            if tuple(inputs.shape[1:3]) != self.target_shape[:2]:
                inputs = ops.image.resize(
                    inputs,
                    self.target_shape[:2],
                    interpolation="bilinear",
                    data_format="channels_last",
                )
            outputs = self.projection(inputs)
        return ops.reshape(outputs, (-1,) + self.target_shape)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self.target_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "target_shape": self.target_shape,
                "kind": self.kind,
                "activation": keras.activations.serialize(self.activation),
                "kernel_size": self.kernel_size,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
                "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
            }
        )
        return config
