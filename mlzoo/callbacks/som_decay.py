"""The horizon T of a self-organizing map's sigma / learning-rate decay."""

from __future__ import annotations

import keras


class SOMDecay(keras.callbacks.Callback):
    """Set the decay horizon T (training steps) of a `SelfOrganizingMap` when `fit` starts.

    sigma(t) and eta(t) follow the map's `decay` rule in t / T (see
    `mlzoo.models.som.schedules.decayed`); the map computes them inside its
    training step from its `step` and `total_steps` variables, so the schedule
    is exact with any `steps_per_execution`. This callback supplies T:
    `epochs x steps per epoch` by default, or `total_steps` (needed for a
    `tf.data` input of unknown length). With `restart=True` (default) every
    `fit` runs the whole schedule again, as MiniSom's `train` does; with False
    a second `fit` continues from where the first stopped.

    `SelfOrganizingMap.fit` adds `SOMDecay()` when no `SOMDecay` is passed.

    Example:

    >>> som.fit(dataset.repeat(), steps_per_epoch=100, epochs=5,
    ...         callbacks=[SOMDecay(total_steps=500)])
    """

    def __init__(self, total_steps: int | None = None, restart: bool = True):
        super().__init__()
        if total_steps is not None and (int(total_steps) != total_steps or total_steps < 1):
            raise ValueError(
                f"`total_steps` must be a positive integer; received total_steps={total_steps!r}."
            )
        self.total_steps, self.restart = total_steps, restart

    def on_train_begin(self, logs=None):
        model = self.model
        if not hasattr(model, "total_steps") or not hasattr(model, "step"):
            raise TypeError(
                f"SOMDecay drives a mlzoo.models.SelfOrganizingMap; got {type(model).__name__}."
            )
        total = self.total_steps
        if total is None:
            steps, epochs = self.params.get("steps"), self.params.get("epochs")
            if not steps:
                raise ValueError(
                    "SOMDecay cannot tell how many steps training will take (the dataset has "
                    "unknown length); pass callbacks=[SOMDecay(total_steps=...)] or "
                    "steps_per_epoch to fit."
                )
            total = steps * epochs
        model.total_steps.assign(float(total))
        if self.restart:
            model.step.assign(0.0)
