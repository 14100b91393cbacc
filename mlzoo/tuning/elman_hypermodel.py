"""KerasTuner HyperModel for Elman networks: hidden units, hidden activation, learning rate."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import keras_tuner

from mlzoo.models.elman.network import ElmanNetwork


class ElmanNetworkHyperModel(keras_tuner.HyperModel):
    """Search over the hidden (= context) units, f ("sigmoid" / "tanh") and Adam's rate.

    Every trial is a sequence-to-sequence `ElmanNetwork` compiled with Adam and
    `loss` (default "mse", the squared error of Elman 1990); `build_kwargs`
    go to the network (e.g. `output_activation="softmax"`).

    Examples:
        >>> from mlzoo.datasets.elman_streams import letter_stream
        >>> stream = letter_stream(1000)
        >>> x, y = stream.inputs[None], stream.targets[None]
        >>> import keras_tuner
        >>> tuner = keras_tuner.RandomSearch(
        ...     ElmanNetworkHyperModel(6, 6), objective="loss", max_trials=2)
        >>> tuner.search(x, y, epochs=2, verbose=0)
        >>> len(tuner.oracle.trials)
        2
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        unit_choices: Sequence[int] = (2, 5, 10, 20, 50),
        loss="mse",
        build_kwargs: dict | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.input_dim, self.output_dim, self.loss = input_dim, output_dim, loss
        self.unit_choices = list(unit_choices)
        self.build_kwargs = dict(build_kwargs or {})

    def build(self, hp: keras_tuner.HyperParameters) -> ElmanNetwork:
        model = ElmanNetwork(
            self.input_dim,
            hp.Choice("hidden_units", self.unit_choices),
            self.output_dim,
            activation=hp.Choice("activation", ["sigmoid", "tanh"]),
            **self.build_kwargs,
        )
        model.compile(
            optimizer=keras.optimizers.Adam(hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")),
            loss=self.loss,
        )
        return model
