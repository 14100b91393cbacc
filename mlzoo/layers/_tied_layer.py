"""Base of the decoder layers that reuse another layer's kernel (tied autoencoder weights)."""

from __future__ import annotations

import warnings

import keras
from keras import ops


class TiedLayer(keras.layers.Layer):
    """A layer computing `activation(f(inputs, tied_to.kernel) + bias)` with a shared kernel.

    The kernel is the *same variable* as `tied_to.kernel` (not a copy). It is
    listed among this layer's `weights` (Keras deduplicates it in a model that
    also holds `tied_to`), so `model.fit` trains it even in a model made of the
    tied path alone; only the bias is saved with this layer, the kernel once
    with `tied_to`. Freezing `tied_to` freezes the kernel here too. `get_config`
    stores the tied layer itself, which `.keras` saving serializes as a shared
    object, so `keras.models.load_model` rebuilds one layer used by both.

    Subclasses set `tied_type` and implement `build` (calling
    `_check_tied_built` and `_add_bias`) and `call` (ending with `_finish`).
    """

    tied_type: type = keras.layers.Layer

    def __init__(
        self,
        tied_to: keras.layers.Layer,
        activation=None,
        use_bias: bool = True,
        bias_initializer="zeros",
        bias_regularizer=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        kind = self.tied_type.__name__
        if not isinstance(tied_to, self.tied_type):
            raise TypeError(
                f"`tied_to` must be a keras.layers.{kind} layer whose kernel is shared; "
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
    def tied_to(self) -> keras.layers.Layer:
        """The layer whose kernel this layer reuses."""
        return self._tied_to

    @property
    def weights(self):
        """Own weights plus the shared kernel (saved with `tied_to`, not here)."""
        return self._with_kernel(super().weights)

    @property
    def variables(self):
        """Own variables plus the shared kernel (JAX's trainer updates what this lists)."""
        return self._with_kernel(super().variables)

    def _with_kernel(self, own: list) -> list:
        if not self._tied_to.built:
            return own
        kernel = self._tied_to.kernel
        return [kernel] + [w for w in own if w is not kernel]

    def _check_tied_built(self) -> None:
        if not self._tied_to.built:
            raise ValueError(
                f"Layer '{self.name}' is tied to '{self._tied_to.name}', which is not built "
                f"yet. Call the tied {self.tied_type.__name__} layer on an input before this "
                "layer."
            )

    def _add_bias(self, size: int) -> None:
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(size,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def _finish(self, outputs):
        if self.use_bias:
            outputs = ops.add(outputs, self.bias)
        return self.activation(outputs)

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
        # Inside `keras.models.load_model` this returns the very layer that the model's
        # own layer list deserializes (Keras' shared-object scope).
        tied_to = config["tied_to"]
        if not isinstance(tied_to, keras.layers.Layer):
            if "shared_object_id" not in tied_to:
                warnings.warn(
                    f"{cls.__name__} '{config.get('name')}' was serialized without Keras "
                    "object sharing (e.g. `model.to_json()` / `model_from_json`), so it gets "
                    f"its own copy of '{tied_to.get('config', {}).get('name')}' and is no longer "
                    "tied to that layer of the model. Save with `model.save('model.keras')` "
                    "and reload with `keras.models.load_model` to keep the tie.",
                    stacklevel=2,
                )
            config["tied_to"] = keras.saving.deserialize_keras_object(tied_to)
        return cls(**config)
