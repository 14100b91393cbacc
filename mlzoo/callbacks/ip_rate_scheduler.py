"""Per-epoch schedule of the plasticity rate of adaptive activation layers."""

from __future__ import annotations

from collections.abc import Callable

import keras

from mlzoo.layers._adaptive_activation import AdaptiveActivation


def linear_decay(total_epochs: int, final_fraction: float = 0.0) -> Callable[[int, float], float]:
    """Schedule falling linearly from the initial rate (epoch 0) to `final_fraction` of it.

    The rate of epoch `e` (0-based) is `r0 * (1 - (1 - final_fraction) * e / (total_epochs - 1))`.

    Examples:
        >>> schedule = linear_decay(5)
        >>> [round(schedule(epoch, 0.01), 4) for epoch in range(5)]
        [0.01, 0.0075, 0.005, 0.0025, 0.0]
    """
    if isinstance(total_epochs, bool) or not isinstance(total_epochs, int) or total_epochs < 1:
        raise ValueError(f"`total_epochs` must be a positive integer; received {total_epochs!r}.")
    if not 0.0 <= final_fraction <= 1.0:
        raise ValueError(f"`final_fraction` must be in [0, 1]; received {final_fraction!r}.")

    def schedule(epoch: int, initial_rate: float) -> float:
        progress = min(epoch / max(total_epochs - 1, 1), 1.0)
        return initial_rate * (1.0 - (1.0 - final_fraction) * progress)

    return schedule


class IPRateScheduler(keras.callbacks.Callback):
    """Set the plasticity rate `ip_rate` of every adaptive layer at the start of each epoch.

    The counterpart of `keras.callbacks.LearningRateScheduler` for the rule of
    `AdaptiveSigmoid` / `AdaptiveTanh` (`rule` "infomax", "joint" or "triesch"):
    each layer's rate becomes `schedule(epoch, initial_rate)`, `initial_rate`
    being the layer's configured `ip_rate`. The rate is a variable read inside
    the traced step, so it takes effect under `steps_per_execution` and
    `MirroredStrategy`. The rate in use is logged as `ip_rate` (the mean over
    layers).

    Why: infomax keeps pulling hidden units towards maximum-entropy outputs after
    the task is learned; decaying the rate lets the task loss finish
    (docs/joint_learning.md).

    Args:
        schedule: `schedule(epoch, initial_rate) -> rate`, epoch 0-based, rate >= 0;
            e.g. `linear_decay(total_epochs)`.
        verbose: 1 prints the rate at each epoch start.

    Examples:
        >>> import mlzoo
        >>> from mlzoo.callbacks import IPRateScheduler, linear_decay
        >>> model = mlzoo.build_joint_mlp(64, 30, 10, rule="infomax", ip_rate=0.01,
        ...                              output_activation="sigmoid")
        >>> callback = IPRateScheduler(linear_decay(total_epochs=30))
        >>> # model.fit(x, y, epochs=30, callbacks=[callback])
    """

    def __init__(self, schedule: Callable[[int, float], float], verbose: int = 0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                f"`schedule` must be a callable (epoch, initial_rate) -> rate; received "
                f"{schedule!r}."
            )
        self.schedule = schedule
        self.verbose = verbose
        self.layers: list[AdaptiveActivation] = []

    def _find_layers(self) -> list[AdaptiveActivation]:
        layers = [
            layer
            for layer in self.model._flatten_layers(include_self=False)
            if isinstance(layer, AdaptiveActivation) and layer.plastic
        ]
        if not layers:
            raise ValueError(
                "IPRateScheduler found no AdaptiveSigmoid/AdaptiveTanh layer with a plasticity "
                "rule ('infomax', 'joint' or 'triesch') in the model; nothing to schedule."
            )
        return layers

    def on_train_begin(self, logs=None):
        self.layers = self._find_layers()

    def on_epoch_begin(self, epoch, logs=None):
        for layer in self.layers:
            rate = self.schedule(epoch, layer.ip_rate)
            try:
                layer.set_ip_rate(rate)
            except ValueError as error:
                raise ValueError(
                    f"The schedule gave an invalid rate at epoch {epoch}: {error}"
                ) from None
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: IPRateScheduler setting ip_rate to {rate:g}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            rates = [layer.current_ip_rate for layer in self.layers]
            logs["ip_rate"] = sum(rates) / len(rates)
