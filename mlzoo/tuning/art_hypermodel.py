"""KerasTuner HyperModel for Fuzzy ARTMAP: vigilance, choice and learning rate."""

from __future__ import annotations

import keras_tuner

from mlzoo._checks import check_positive_int
from mlzoo.models.art.fuzzy_artmap import FuzzyARTMAP


class FuzzyARTMAPHyperModel(keras_tuner.HyperModel):
    """Search over the baseline vigilance rho, the choice alpha and the learning rate beta.

    rho in [0, 0.95] (higher: more, smaller categories), alpha in [1e-4, 1]
    (log), beta in [0.1, 1] (1: fast learning). The model is compiled (no
    optimizer or loss: ART learns by resonance) and its validation logs
    `val_accuracy`, the objective to use. A trial that needs more than
    `max_categories` categories fails with the capacity error.

    Examples:
        >>> import keras_tuner, mlzoo
        >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)
        >>> tuner = keras_tuner.RandomSearch(
        ...     FuzzyARTMAPHyperModel(64, 10), objective="val_accuracy", max_trials=2)
        >>> tuner.search(x[:1000], y[:1000], epochs=1, batch_size=256,
        ...              validation_data=(x[1000:], y[1000:]), verbose=0)
        >>> len(tuner.oracle.trials)
        2
    """

    def __init__(self, input_dim: int, num_classes: int, max_categories: int = 1000, **kwargs):
        super().__init__(**kwargs)
        self.input_dim = check_positive_int("input_dim", input_dim)
        self.num_classes = check_positive_int("num_classes", num_classes)
        self.max_categories = check_positive_int("max_categories", max_categories)

    def build(self, hp: keras_tuner.HyperParameters) -> FuzzyARTMAP:
        model = FuzzyARTMAP(
            self.input_dim,
            self.num_classes,
            max_categories=self.max_categories,
            vigilance=hp.Float("vigilance", 0.0, 0.95),
            choice=hp.Float("choice", 1e-4, 1.0, sampling="log"),
            learning_rate=hp.Float("learning_rate", 0.1, 1.0),
        )
        model.compile()
        return model
