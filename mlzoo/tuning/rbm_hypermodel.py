"""KerasTuner HyperModel for restricted Boltzmann machines: hidden units, learning rate, k."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import keras_tuner

from mlzoo._checks import check_positive_int
from mlzoo.models.rbm import RBM


class RBMHyperModel(keras_tuner.HyperModel):
    """Search the number of hidden units, the SGD learning rate and the Gibbs steps k.

    Every trial trains an `RBM` (CD-k, or PCD-k with `persistent=True`), then
    reports `loss` and `reconstruction_error` (the same value) and, for Bernoulli visibles,
    `pseudo_log_likelihood` (sklearn's one-flip estimate) on `validation_data`
    when given, else on the training data. Maximise the pseudo-log-likelihood
    (Gaussian visibles: minimise the reconstruction error).

    Examples:
        >>> import keras_tuner, mlzoo
        >>> (x, _), (x_val, _) = mlzoo.datasets.load("digits", scale=True)
        >>> x, x_val = (x > 0.5).astype("float32"), (x_val > 0.5).astype("float32")
        >>> tuner = keras_tuner.RandomSearch(
        ...     RBMHyperModel(64), objective=keras_tuner.Objective("pseudo_log_likelihood", "max"),
        ...     max_trials=2)
        >>> tuner.search(x, epochs=2, batch_size=100, validation_data=x_val, verbose=0)
        >>> len(tuner.oracle.trials)
        2
    """

    def __init__(
        self,
        visible: int,
        visible_type: str = "bernoulli",
        persistent: bool = False,
        persistent_chains: int = 100,
        hidden_choices: Sequence[int] = (64, 128, 256, 512),
        max_k: int = 5,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.visible, self.visible_type = visible, visible_type
        self.persistent, self.persistent_chains = persistent, persistent_chains
        self.hidden_choices = [check_positive_int("hidden_choices", h) for h in hidden_choices]
        self.max_k = check_positive_int("max_k", max_k)

    def build(self, hp: keras_tuner.HyperParameters) -> RBM:
        rbm = RBM(
            self.visible,
            hp.Choice("hidden", self.hidden_choices),
            visible_type=self.visible_type,
            k=hp.Int("k", 1, self.max_k),
            persistent=self.persistent,
            persistent_chains=self.persistent_chains,
        )
        learning_rate = hp.Float("learning_rate", 1e-3, 0.5, sampling="log")
        rbm.compile(optimizer=keras.optimizers.SGD(learning_rate))
        return rbm

    def fit(self, hp, model: RBM, x, *args, validation_data=None, **kwargs) -> dict:
        """Train on `x`, then return the metrics on the validation data (or `x`)."""
        model.fit(x, *args, **kwargs)
        measured = x if validation_data is None else validation_data
        logs = model.evaluate(measured, batch_size=1000, verbose=0, return_dict=True)
        return {name: float(value) for name, value in logs.items()}
