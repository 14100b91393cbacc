"""Callback that logs what adaptive activation layers do, epoch by epoch."""

from __future__ import annotations

import keras
import numpy as np

from mlzoo._checks import check_positive_int
from mlzoo.layers._adaptive_activation import AdaptiveActivation
from mlzoo.layers.adaptive_tanh import AdaptiveTanh


class ActivationStats(keras.callbacks.Callback):
    """Per adaptive layer and epoch: output entropy, saturation, mean slope and offset.

    At the end of every epoch the adaptive layers (`AdaptiveSigmoid`,
    `AdaptiveTanh`) are evaluated on a fixed sample `x` and these values are
    added to the logs, so they appear in `History`, progress bars and
    TensorBoard (put this callback before `keras.callbacks.TensorBoard`):

    - `<layer>/entropy`: mean over units of the histogram estimate of the
      output entropy (nats; `bins` equal bins over the output range, so at most
      `ln bins`, reached by a uniform output — the infomax goal);
    - `<layer>/saturation`: fraction of outputs with y < 0.02 or y > 0.98 (on
      the (0, 1) scale; tanh outputs are mapped by (y + 1) / 2);
    - `<layer>/slope`, `<layer>/offset`: mean of a and of b.

    Args:
        x: a sample of model inputs (numpy), e.g. `x_train[:1000]`.
        bins: histogram bins for the entropy estimate, >= 2.

    Examples:
        >>> import mlzoo
        >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)
        >>> model = mlzoo.build_joint_mlp(64, 30, 10, rule="infomax", ip_rate=0.01)
        >>> model.compile("sgd", loss="mse")
        >>> history = model.fit(x, mlzoo.datasets.one_hot(y), epochs=2, verbose=0,
        ...                     callbacks=[ActivationStats(x[:500])])
        >>> [name for name in history.history if name.startswith("adaptive_1/")]
        ['adaptive_1/entropy', 'adaptive_1/saturation', 'adaptive_1/slope', 'adaptive_1/offset']
    """

    def __init__(self, x, bins: int = 20):
        super().__init__()
        self.x = np.asarray(x)
        self.bins = check_positive_int("bins", bins)
        if self.bins < 2:
            raise ValueError(f"`bins` must be at least 2; received bins={bins!r}.")
        self._probe = None

    def on_train_begin(self, logs=None):
        layers = [layer for layer in self.model.layers if isinstance(layer, AdaptiveActivation)]
        if not layers:
            raise ValueError(
                "ActivationStats found no AdaptiveSigmoid or AdaptiveTanh layer in the model."
            )
        self._layers = layers
        inputs = self.model.inputs
        inputs = inputs[0] if len(inputs) == 1 else inputs
        self._probe = keras.Model(inputs, [layer.output for layer in layers])

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        outputs = self._probe(self.x, training=False)
        if len(self._layers) == 1:  # a one-output model returns the tensor itself
            outputs = [outputs]
        for layer, y in zip(self._layers, outputs, strict=True):
            y = keras.ops.convert_to_numpy(y).astype("float64").reshape(-1, y.shape[-1])
            if isinstance(layer, AdaptiveTanh):
                y = (y + 1.0) / 2.0
            logs[f"{layer.name}/entropy"] = float(np.mean(histogram_entropy(y, self.bins)))
            logs[f"{layer.name}/saturation"] = float(np.mean((y < 0.02) | (y > 0.98)))
            logs[f"{layer.name}/slope"] = float(np.mean(keras.ops.convert_to_numpy(layer.slope)))
            logs[f"{layer.name}/offset"] = float(np.mean(keras.ops.convert_to_numpy(layer.offset)))

    def get_config(self):
        return {"bins": self.bins}


def histogram_entropy(y: np.ndarray, bins: int) -> np.ndarray:
    """Entropy (nats) of each column of `y` in [0, 1], from a `bins`-bin histogram."""
    index = np.clip((y * bins).astype(int), 0, bins - 1)
    counts = np.stack([np.bincount(column, minlength=bins) for column in index.T])
    p = counts / counts.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.where(p > 0, p * np.log(p), 0.0).sum(axis=1)
