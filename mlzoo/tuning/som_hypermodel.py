"""KerasTuner HyperModel for self-organizing maps: map size, radius, rate and decay."""

from __future__ import annotations

from collections.abc import Sequence

import keras_tuner
import numpy as np

from mlzoo.models.som import SelfOrganizingMap


class SelfOrganizingMapHyperModel(keras_tuner.HyperModel):
    """Search the map size, initial radius (a fraction of the map), learning rate and decay.

    Quantization error always falls as the map grows and topographic error
    tends to rise, so each trial reports, besides both errors,

        map_error = QE / QE_1 + TE,

    with QE_1 = mean ||x - mean(x)|| the error of a one-unit map (both terms are
    then unit-free); the default objective minimises it. The errors are measured
    on `validation_data` when given, else on the training data.

    Examples:
        >>> import keras_tuner, mlzoo
        >>> (x, _), (x_val, _) = mlzoo.datasets.load("digits", scale=True)
        >>> tuner = keras_tuner.RandomSearch(
        ...     SelfOrganizingMapHyperModel(64, x),
        ...     objective=keras_tuner.Objective("map_error", "min"), max_trials=2)
        >>> tuner.search(x, epochs=2, batch_size=64, validation_data=x_val, verbose=0)
        >>> len(tuner.oracle.trials)
        2
    """

    def __init__(
        self,
        input_dim: int,
        x_init,
        size_choices: Sequence[int] = (6, 10, 15, 20),
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.input_dim, self.x_init = input_dim, x_init
        self.size_choices = list(size_choices)

    def build(self, hp: keras_tuner.HyperParameters) -> SelfOrganizingMap:
        size = hp.Choice("size", self.size_choices)
        som = SelfOrganizingMap(
            size,
            size,
            self.input_dim,
            sigma=max(size * hp.Float("sigma_fraction", 0.1, 0.5), 0.5),
            learning_rate=hp.Float("learning_rate", 0.05, 1.0, sampling="log"),
            decay=hp.Choice("decay", ["exponential", "linear", "asymptotic"]),
            x_init=self.x_init,
        )
        som.compile()
        return som

    def fit(self, hp, model: SelfOrganizingMap, x, *args, validation_data=None, **kwargs):
        """Train on `x`, then return QE, TE and map_error on the validation data (or `x`)."""
        model.fit(x, *args, **kwargs)
        measured = x if validation_data is None else validation_data
        errors = model.evaluate(measured, batch_size=1024, verbose=0, return_dict=True)
        data = np.asarray(measured, "float64")
        single_unit = float(np.linalg.norm(data - data.mean(0), axis=1).mean())
        return {
            "quantization_error": float(errors["quantization_error"]),
            "topographic_error": float(errors["topographic_error"]),
            "map_error": float(errors["quantization_error"]) / single_unit
            + float(errors["topographic_error"]),
        }
