"""Transposed convolution that reuses the kernel of another Conv2D layer."""

from __future__ import annotations

import warnings

import keras
from keras import ops


def _transposed_length(length: int | None, kernel: int, stride: int, padding: str) -> int | None:
    """Spatial output length of `conv_transpose` (no output padding, dilation 1)."""
    if length is None:
        return None
    if padding == "same":
        return length * stride
    return (length - 1) * stride + max(kernel, stride)


@keras.saving.register_keras_serializable(package="mlzoo")
class TiedConv2DTranspose(keras.layers.Layer):
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
        use_bias: whether this layer adds its own bias (one per output channel).
        bias_initializer: initializer of the bias.
        bias_regularizer: regularizer of the bias.
        bias_constraint: constraint of the bias.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Input shape: `(N, h, w, tied_to.filters)`.
    Output shape: `(N, H, W, C)` where `C` is the input channel count of `tied_to`.

    Example:

    >>> import keras, mlzoo
    >>> encoder = keras.layers.Conv2D(4, 3, padding="same", activation="sigmoid")
    >>> decoder = mlzoo.layers.TiedConv2DTranspose(encoder, activation="sigmoid")
    >>> x = keras.Input((8, 8, 3))
    >>> model = keras.Model(x, decoder(encoder(x)))
    >>> model.output_shape
    (None, 8, 8, 3)
    """

    def __init__(
        self,
        tied_to: keras.layers.Conv2D,
        activation=None,
        use_bias: bool = True,
        bias_initializer="zeros",
        bias_regularizer=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(tied_to, keras.layers.Conv2D):
            raise TypeError(
                "`tied_to` must be a keras.layers.Conv2D layer whose kernel is shared; "
                f"received tied_to={tied_to!r} of type {type(tied_to).__name__}."
            )
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
        # Bypass attribute tracking: the tied layer's weights belong to it, not to this
        # layer, so they must not be counted, saved or frozen through this layer.
        object.__setattr__(self, "_tied_to", tied_to)
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)
        self.bias_constraint = keras.constraints.get(bias_constraint)
        self.bias = None

    @property
    def tied_to(self) -> keras.layers.Conv2D:
        """The `Conv2D` layer whose kernel this layer uses transposed."""
        return self._tied_to

    @property
    def kernel(self):
        """The shared kernel itself, shape `(kh, kw, C, tied_to.filters)`."""
        return self._tied_to.kernel

    @property
    def weights(self):
        """Own weights plus the shared kernel (saved with `tied_to`, not here)."""
        own = super().weights
        if not self._tied_to.built:
            return own
        kernel = self._tied_to.kernel
        return [kernel] + [w for w in own if w is not kernel]

    def build(self, input_shape):
        if not self._tied_to.built:
            raise ValueError(
                f"Layer '{self.name}' is tied to '{self._tied_to.name}', which is not built "
                "yet. Call the tied Conv2D layer on an input before this layer."
            )
        filters = self._tied_to.filters
        if len(input_shape) != 4 or input_shape[-1] not in (None, filters):
            raise ValueError(
                f"Layer '{self.name}' expects inputs of shape (N, h, w, {filters}) (the filters "
                f"of the tied layer '{self._tied_to.name}'); received input shape "
                f"{tuple(input_shape)}."
            )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(int(self._tied_to.kernel.shape[2]),),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def call(self, inputs):
        outputs = ops.conv_transpose(
            inputs,
            self._tied_to.kernel,
            strides=self._tied_to.strides,
            padding=self._tied_to.padding,
            data_format="channels_last",
        )
        if self.use_bias:
            outputs = ops.add(outputs, self.bias)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        kernel_size, strides = self._tied_to.kernel_size, self._tied_to.strides
        spatial = tuple(
            _transposed_length(
                input_shape[axis + 1], kernel_size[axis], strides[axis], self._tied_to.padding
            )
            for axis in range(2)
        )
        return (input_shape[0],) + spatial + (int(self._tied_to.kernel.shape[2]),)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                # The object itself: Keras serializes it once as a shared object, so the
                # tie holds whichever of the two layers the model deserializes first.
                "tied_to": self._tied_to,
                "activation": keras.activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
                "bias_regularizer": keras.regularizers.serialize(self.bias_regularizer),
                "bias_constraint": keras.constraints.serialize(self.bias_constraint),
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        # Inside `keras.models.load_model` this returns the very Conv2D layer that the
        # model's own layer list deserializes (Keras' shared-object scope).
        tied_to = config["tied_to"]
        if not isinstance(tied_to, keras.layers.Layer):
            if "shared_object_id" not in tied_to:
                warnings.warn(
                    f"TiedConv2DTranspose '{config.get('name')}' was serialized without Keras "
                    "object sharing (e.g. `model.to_json()` / `model_from_json`), so it gets "
                    f"its own copy of '{tied_to.get('config', {}).get('name')}' and is no longer "
                    "tied to that layer of the model. Save with `model.save('model.keras')` "
                    "and reload with `keras.models.load_model` to keep the tie.",
                    stacklevel=2,
                )
            config["tied_to"] = keras.saving.deserialize_keras_object(tied_to)
        return cls(**config)
