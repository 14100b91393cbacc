"""Saving for functional `keras.Model` subclasses that build their graph from their arguments."""

from __future__ import annotations


class RebuiltFunctional:
    """Mixin: `get_config` returns the constructor arguments, `from_config` rebuilds the graph.

    The subclass keeps its (JSON-serializable) arguments in `self._config`;
    `keras.models.load_model` rebuilds the same graph from them and then
    restores the weights into it.
    """

    _config: dict

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, **self._config}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
