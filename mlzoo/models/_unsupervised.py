"""Pieces shared by the models that learn without labels (SOM, RBM)."""

from __future__ import annotations


class CompilesOnDemand:
    """Mixin for a `keras.Model` whose `compile()` has usable defaults: `fit` and `evaluate`
    compile with them when the user has not."""

    def fit(self, *args, **kwargs):
        if not self.compiled:
            self.compile()
        return super().fit(*args, **kwargs)

    def evaluate(self, *args, **kwargs):
        if not self.compiled:
            self.compile()
        return super().evaluate(*args, **kwargs)


def reject_labels(model: str, y, where: str, hint: str = "") -> None:
    """Raise a `ValueError` when labels reach an unsupervised model's `fit`/`evaluate`."""
    if y is not None:
        raise ValueError(
            f"{model}.{where} takes no labels (the model is unsupervised); call {where}(x).{hint}"
        )
