"""Transposed convolution that reuses the kernel of another Conv2D layer."""

from __future__ import annotations

import keras
from keras import ops

from mlzoo.layers._tied_layer import TiedLayer


def _transposed_length(length: int | None, kernel: int, stride: int, padding: str) -> int | None:
    """Spatial output length of `conv_transpose` (no output padding, dilation 1)."""
    if length is None:
        return None
    if padding == "same":
        return length * stride
    return (length - 1) * stride + max(kernel, stride)


@keras.saving.register_keras_serializable(package="mlzoo")
class TiedConv2DTranspose(TiedLayer):
    """Decoder convolution that reuses the kernel of an encoder `Conv2D`, transposed.

    `r = activation(sum_k R^k * h^k + b)` with `R^k = W^k` flipped on both spatial
    axes (the tied reconstruction of the convolutional autoencoder, thesis
    §3.2.2.1): the transposed convolution `keras.ops.conv_transpose` with the
    encoder's own kernel, strides and padding, plus this layer's bias `b`. It
    is the adjoint of the encoder's convolution: `<conv(x), y> = <x, convT(y)>`.

    The kernel is the *same variable* as `tied_to.kernel` (not a copy), so a
    gradient step through either layer moves both. As with
    `TiedTransposeDense`, the shared kernel is listed among this layer's
    `weights` (a model holding both layers counts it once), only the bias is
    saved with this layer, freezing `tied_to` freezes the kernel here too, and
    `.keras` save / `keras.models.load_model` keeps the tie.

    With "valid" padding or strides > 1 the output size is the transposed-conv
    size (`h * s` for "same", `(h - 1) * s + max(k, s)` for "valid"), which
    equals the encoder's input size only when that size divides evenly.

    Args:
        tied_to: the `keras.layers.Conv2D` whose kernel is shared (channels_last,
            dilation 1, groups 1). It must be built before this layer is built.
        activation: activation function (name or callable). Default: linear.
        **kwargs: `use_bias` (whether this layer adds its own bias, one per output
            channel), `bias_initializer`, `bias_regularizer`, `bias_constraint`, and
            the base layer arguments (`name`, `dtype`, ...).

    Input shape: `(N, h, w, tied_to.filters)`.
    Output shape: `(N, H, W, C)` where `C` is the input channel count of `tied_to`.

    Examples:
        >>> import keras, mlzoo
        >>> encoder = keras.layers.Conv2D(4, 3, padding="same", activation="sigmoid")
        >>> decoder = mlzoo.layers.TiedConv2DTranspose(encoder, activation="sigmoid")
        >>> x = keras.Input((8, 8, 3))
        >>> model = keras.Model(x, decoder(encoder(x)))
        >>> model.output_shape
        (None, 8, 8, 3)
    """

    tied_type = keras.layers.Conv2D

    def __init__(self, tied_to: keras.layers.Conv2D, activation=None, **kwargs):
        super().__init__(tied_to, activation, **kwargs)
        unsupported = {
            "data_format": (tied_to.data_format, "channels_last"),
            "dilation_rate": (tuple(tied_to.dilation_rate), (1, 1)),
            "groups": (tied_to.groups, 1),
        }
        for attribute, (value, required) in unsupported.items():
            if value != required:
                raise ValueError(
                    f"TiedConv2DTranspose supports only a Conv2D with {attribute}={required!r}; "
                    f"'{tied_to.name}' has {attribute}={value!r}."
                )

    @property
    def kernel(self):
        """The shared kernel itself, shape `(kh, kw, C, tied_to.filters)`."""
        return self._tied_to.kernel

    def build(self, input_shape):
        self._check_tied_built()
        filters = self._tied_to.filters
        if len(input_shape) != 4 or input_shape[-1] not in (None, filters):
            raise ValueError(
                f"Layer '{self.name}' expects inputs of shape (N, h, w, {filters}) (the filters "
                f"of the tied layer '{self._tied_to.name}'); received input shape "
                f"{tuple(input_shape)}."
            )
        self._add_bias(int(self._tied_to.kernel.shape[2]))

    def call(self, inputs):
        outputs = ops.conv_transpose(
            inputs,
            self._tied_to.kernel,
            strides=self._tied_to.strides,
            padding=self._tied_to.padding,
            data_format="channels_last",
        )
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        kernel_size, strides = self._tied_to.kernel_size, self._tied_to.strides
        spatial = tuple(
            _transposed_length(
                input_shape[axis + 1], kernel_size[axis], strides[axis], self._tied_to.padding
            )
            for axis in range(2)
        )
        return (input_shape[0],) + spatial + (int(self._tied_to.kernel.shape[2]),)
