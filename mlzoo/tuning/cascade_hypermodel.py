"""KerasTuner HyperModel for cascade-correlation: pool size, phase rates, patience, unit budget."""

from __future__ import annotations

import keras
import keras_tuner

from mlzoo.models.cascade import CascadeCorrelation


class CascadeCorrelationHyperModel(keras_tuner.HyperModel):
    """Search the candidate pool size, the two phases' Adam rates and the patience.

    `build` returns the starting network (inputs wired to outputs); `fit` grows
    a fresh `CascadeCorrelation` with the trial's values on (x, y) and reports
    the final training `loss` / `accuracy`, the `hidden_units` it needed and,
    with `validation_data=(x_val, y_val)`, `val_loss` / `val_accuracy` — any of
    them can be the objective. Callbacks passed to `search` are not forwarded
    into the growth phases; re-grow with `tuner.get_best_hyperparameters()`
    to get the network.

    Example:

    >>> tuner = keras_tuner.RandomSearch(
    ...     CascadeCorrelationHyperModel(2, 1, max_hidden_units=25),
    ...     objective=keras_tuner.Objective("hidden_units", "min"), max_trials=8)
    >>> tuner.search(x, y)
    """

    def __init__(self, input_dim: int, output_dim: int, **grower_kwargs):
        super().__init__()
        self.input_dim, self.output_dim, self.grower_kwargs = input_dim, output_dim, grower_kwargs

    def _grower(self, hp: keras_tuner.HyperParameters) -> CascadeCorrelation:
        return CascadeCorrelation(
            self.input_dim,
            self.output_dim,
            candidates=hp.Choice("candidates", [4, 8, 16]),
            output_learning_rate=hp.Float("output_learning_rate", 0.005, 0.2, sampling="log"),
            candidate_learning_rate=hp.Float("candidate_learning_rate", 0.005, 0.2, sampling="log"),
            patience=hp.Choice("patience", [10, 30, 60]),
            **{"verbose": 0, **self.grower_kwargs},
        )

    def build(self, hp: keras_tuner.HyperParameters) -> keras.Model:
        return self._grower(hp).model

    def fit(self, hp, model, x, y=None, validation_data=None, **kwargs) -> dict:
        """Grow with the trial's hyper-parameters; return the measured values."""
        grower = self._grower(hp)
        row = grower.fit(x, y)[-1]
        results = {"loss": row["loss"], "hidden_units": float(grower.hidden_units)}
        if "accuracy" in row:
            results["accuracy"] = row["accuracy"]
        if validation_data is not None:
            validation = grower._dataset(*validation_data)
            measured = grower.model.evaluate(validation, verbose=0, return_dict=True)
            results |= {f"val_{name}": value for name, value in measured.items()}
        return results
