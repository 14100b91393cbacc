"""KerasTuner HyperModel for RBF networks: units, centre method, width scale, learning rate."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import keras_tuner

from mlzoo.models.rbf.network import RBFNetwork


class RBFNetworkHyperModel(keras_tuner.HyperModel):
    """Search over the number of Gaussian units, k-means / sample centres, width scale and rate.

    Step 1 runs on `x_init` for every trial (centres and nearest-centre widths,
    scaled by the trial's `beta_scale`); compiled with Adam and sparse
    cross-entropy (integer labels) and "accuracy".

    Examples:
        >>> import keras_tuner, mlzoo
        >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)
        >>> tuner = keras_tuner.RandomSearch(
        ...     RBFNetworkHyperModel(64, 10, x), objective="val_accuracy", max_trials=2)
        >>> tuner.search(x, y, epochs=2, validation_split=0.2, verbose=0)
        >>> len(tuner.oracle.trials)
        2
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        x_init,
        unit_choices: Sequence[int] = (20, 50, 100, 200),
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.input_dim, self.output_dim, self.x_init = input_dim, output_dim, x_init
        self.unit_choices = list(unit_choices)

    def build(self, hp: keras_tuner.HyperParameters) -> RBFNetwork:
        model = RBFNetwork(
            self.input_dim,
            hp.Choice("units", self.unit_choices),
            self.output_dim,
            x_init=self.x_init,
            centre_method=hp.Choice("centre_method", ["kmeans", "sample"]),
            beta_scale=hp.Float("beta_scale", 0.25, 4.0, sampling="log"),
        )
        model.compile(
            optimizer=keras.optimizers.Adam(hp.Float("learning_rate", 1e-3, 3e-2, sampling="log")),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model
