"""Dense layer whose kernel is the transpose of another Dense layer's kernel."""

from __future__ import annotations

import keras
from keras import ops

from mlzoo.layers._tied_layer import TiedLayer


@keras.saving.register_keras_serializable(package="mlzoo")
class TiedTransposeDense(TiedLayer):
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

    Examples:
        >>> import keras, mlzoo
        >>> encoder = keras.layers.Dense(3)
        >>> decoder = mlzoo.layers.TiedTransposeDense(encoder, activation="sigmoid")
        >>> x = keras.Input((5,))
        >>> model = keras.Model(x, decoder(encoder(x)))
        >>> tuple(decoder.kernel.shape)
        (3, 5)
    """

    tied_type = keras.layers.Dense

    @property
    def units(self) -> int:
        """Output width: the input width of the tied layer."""
        return int(self._tied_to.kernel.shape[0])

    @property
    def kernel(self):
        """The shared kernel, transposed: shape `(tied_to.units, units)`."""
        return ops.transpose(self._tied_to.kernel)

    def build(self, input_shape):
        self._check_tied_built()
        tied_units = int(self._tied_to.kernel.shape[1])
        if input_shape[-1] is not None and input_shape[-1] != tied_units:
            raise ValueError(
                f"Layer '{self.name}' expects inputs with last dimension {tied_units} "
                f"(the units of the tied layer '{self._tied_to.name}'); received input "
                f"shape {tuple(input_shape)}."
            )
        self._add_bias(self.units)

    def call(self, inputs):
        return self._finish(ops.matmul(inputs, ops.transpose(self._tied_to.kernel)))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)
