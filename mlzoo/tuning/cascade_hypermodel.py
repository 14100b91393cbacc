"""KerasTuner HyperModel for cascade-correlation: pool size, phase rates, patience, unit budget."""

from __future__ import annotations

import keras_tuner

from mlzoo.models.cascade import CascadeCorrelation


class CascadeCorrelationHyperModel(keras_tuner.HyperModel):
    """Search the candidate pool size, the two phases' Adam rates and the patience.

    `build` returns a fresh `CascadeCorrelation` (inputs wired to outputs) with the
    trial's values; `fit` grows it on (x, y) until done and reports the final
    network's training `loss` / `accuracy`, the `hidden_units` it needed and, with
    `validation_data=(x_val, y_val)`, `val_loss` / `val_accuracy` — any of them can
    be the objective. Callbacks passed to `search` (KerasTuner's per-epoch
    checkpoint among them) are not forwarded into the growth, whose epochs are
    phases; re-grow with `tuner.get_best_hyperparameters()` to get the network.

    Examples:
        >>> import keras_tuner
        >>> from mlzoo.datasets import make_two_spirals
        >>> x, y = make_two_spirals()
        >>> tuner = keras_tuner.RandomSearch(
        ...     CascadeCorrelationHyperModel(2, 1, max_hidden_units=1, verbose=0),
        ...     objective=keras_tuner.Objective("hidden_units", "min"), max_trials=2)
        >>> tuner.search(x, y, verbose=0)
        >>> hp = tuner.get_best_hyperparameters()[0]
        >>> sorted(hp.values)
        ['candidate_learning_rate', 'candidates', 'output_learning_rate', 'patience']
    """

    def __init__(self, input_dim: int, output_dim: int, **grower_kwargs):
        super().__init__()
        self.input_dim, self.output_dim, self.grower_kwargs = input_dim, output_dim, grower_kwargs

    def build(self, hp: keras_tuner.HyperParameters) -> CascadeCorrelation:
        return CascadeCorrelation(
            self.input_dim,
            self.output_dim,
            candidates=hp.Choice("candidates", [4, 8, 16]),
            output_learning_rate=hp.Float("output_learning_rate", 0.005, 0.2, sampling="log"),
            candidate_learning_rate=hp.Float("candidate_learning_rate", 0.005, 0.2, sampling="log"),
            patience=hp.Choice("patience", [10, 30, 60]),
            **{"verbose": 0, **self.grower_kwargs},
        )

    def fit(self, hp, model, x, y=None, validation_data=None, **kwargs) -> dict:
        """Grow `model` until done; return the measured values."""
        model.fit(x, y)  # growth decides its epochs; see the class docstring on callbacks
        results = model.evaluate(x, y, batch_size=len(x), verbose=0, return_dict=True)
        results["hidden_units"] = float(model.hidden_units)
        if validation_data is not None:
            x_val, y_val = validation_data
            measured = model.evaluate(
                x_val, y_val, batch_size=len(x_val), verbose=0, return_dict=True
            )
            results |= {f"val_{name}": value for name, value in measured.items()}
        return results
