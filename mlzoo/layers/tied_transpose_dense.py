"""Dense layer whose kernel is the transpose of another Dense layer's kernel."""

from __future__ import annotations

import warnings

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="mlzoo")
class TiedTransposeDense(keras.layers.Layer):
    """Dense layer that reuses the transposed kernel of another `Dense` layer.

    `outputs = activation(inputs @ tied_to.kernel^T + bias)`

    The kernel is the *same variable* as `tied_to.kernel` (not a copy), so a
    gradient step through either layer moves both. The layer lists the shared
    kernel among its `weights` (Keras deduplicates it in a model that also holds
    `tied_to`), so `model.fit` trains it even in a model made of the tied path
    alone; only the bias is saved with this layer, the kernel is saved once with
    `tied_to`. Freezing `tied_to` freezes the kernel here too.

    This is the weight sharing of the mutual learning network, eq. (5) of
    Liu et al. 2017: `Nw1 = Pw2^T`, `Nw2 = Pw1^T`, biases separate. It is also
    the decoder of a tied-weight autoencoder.

    The tie survives `.keras` saving: the tied layer is serialized as a shared
    object, so `keras.models.load_model` rebuilds one `Dense` used by both.
    `model.to_json()` / `keras.models.model_from_json` share no objects: the
    restored layer gets its own copy of the `Dense` (with a warning), as does a
    layer deserialized on its own. `keras.models.clone_model` clones layer by
    layer, so a cloned tied layer stays tied to the *original* `Dense`; copy a
    model with tied layers by saving and loading it instead.

    Args:
        tied_to: the `keras.layers.Dense` layer whose kernel is shared. It must
            be built (called once) before this layer is built.
        activation: activation function (name or callable). Default: linear.
        use_bias: whether this layer adds its own bias.
        bias_initializer: initializer of the bias.
        bias_regularizer: regularizer of the bias.
        bias_constraint: constraint of the bias.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Input shape: `(..., tied_to.units)`.
    Output shape: `(..., d)` where `d` is the input dimension of `tied_to`.

    Example:

    >>> import keras, mlzoo
    >>> encoder = keras.layers.Dense(3)
    >>> decoder = mlzoo.layers.TiedTransposeDense(encoder, activation="sigmoid")
    >>> x = keras.Input((5,))
    >>> model = keras.Model(x, decoder(encoder(x)))
    >>> decoder.kernel.shape
    TensorShape([3, 5])
    """

    def __init__(
        self,
        tied_to: keras.layers.Dense,
        activation=None,
        use_bias: bool = True,
        bias_initializer="zeros",
        bias_regularizer=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(tied_to, keras.layers.Dense):
            raise TypeError(
                "`tied_to` must be a keras.layers.Dense layer whose kernel is shared; "
                f"received tied_to={tied_to!r} of type {type(tied_to).__name__}."
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
    def tied_to(self) -> keras.layers.Dense:
        """The `Dense` layer whose kernel this layer uses transposed."""
        return self._tied_to

    @property
    def units(self) -> int:
        """Output width: the input width of the tied layer."""
        return int(self._tied_to.kernel.shape[0])

    @property
    def kernel(self):
        """The shared kernel, transposed: shape `(tied_to.units, units)`."""
        return ops.transpose(self._tied_to.kernel)

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
                "yet. Call the tied Dense layer on an input before this layer."
            )
        tied_units = int(self._tied_to.kernel.shape[1])
        if input_shape[-1] is not None and input_shape[-1] != tied_units:
            raise ValueError(
                f"Layer '{self.name}' expects inputs with last dimension {tied_units} "
                f"(the units of the tied layer '{self._tied_to.name}'); received input "
                f"shape {tuple(input_shape)}."
            )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def call(self, inputs):
        outputs = ops.matmul(inputs, ops.transpose(self._tied_to.kernel))
        if self.use_bias:
            outputs = ops.add(outputs, self.bias)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

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
        # Inside `keras.models.load_model` this returns the very Dense layer that the
        # model's own layer list deserializes (Keras' shared-object scope).
        tied_to = config["tied_to"]
        if not isinstance(tied_to, keras.layers.Layer):
            if "shared_object_id" not in tied_to:
                warnings.warn(
                    f"TiedTransposeDense '{config.get('name')}' was serialized without Keras "
                    "object sharing (e.g. `model.to_json()` / `model_from_json`), so it gets "
                    f"its own copy of '{tied_to.get('config', {}).get('name')}' and is no longer "
                    "tied to that layer of the model. Save with `model.save('model.keras')` "
                    "and reload with `keras.models.load_model` to keep the tie.",
                    stacklevel=2,
                )
            config["tied_to"] = keras.saving.deserialize_keras_object(tied_to)
        return cls(**config)
