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

    The schedule values are not metrics, so they are not logged: `history`
    holds sigma and eta after every epoch (`{"sigma": [...], "learning_rate":
    [...]}`, the values the next step uses), and `SelfOrganizingMap.current_rates()`
    gives them at any time.

    `SelfOrganizingMap.fit` adds `SOMDecay()` when no `SOMDecay` is passed, and
    runs the `SOMDecay` before the other callbacks, so that `BackupAndRestore`
    restores the step counter of an interrupted run after the restart.

    Examples:
        >>> import mlzoo, tensorflow as tf
        >>> (x, _), _ = mlzoo.datasets.load("digits", scale=True)
        >>> som = mlzoo.SelfOrganizingMap(5, 5, 64, x_init=x)
        >>> dataset = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x)).batch(32)
        >>> decay = SOMDecay(total_steps=500)
        >>> history = som.fit(dataset.repeat(), steps_per_epoch=100, epochs=5, callbacks=[decay],
        ...                   verbose=0)
        >>> [round(sigma, 2) for sigma in decay.history["sigma"]]   # after each of the 5 epochs
        [2.08, 1.73, 1.44, 1.2, 1.0]
    """

    def __init__(self, total_steps: int | None = None, restart: bool = True):
        super().__init__()
        if total_steps is not None and (
            isinstance(total_steps, bool)
            or not isinstance(total_steps, (int, float))
            or int(total_steps) != total_steps
            or total_steps < 1
        ):
            raise ValueError(
                f"`total_steps` must be a positive integer; received total_steps={total_steps!r}."
            )
        self.total_steps, self.restart = total_steps, restart
        self.history: dict[str, list[float]] = {"sigma": [], "learning_rate": []}

    def on_train_begin(self, logs=None):
        model = self.model
        if not all(hasattr(model, name) for name in ("total_steps", "step", "current_rates")):
            raise TypeError(
                f"SOMDecay drives a mlzoo.models.SelfOrganizingMap; got {type(model).__name__}."
            )
        total = self.total_steps
        if total is None:
            steps, epochs = self.params.get("steps"), self.params.get("epochs")
            if steps is None:
                raise ValueError(
                    "SOMDecay cannot tell how many steps training will take (the dataset has "
                    "unknown length); pass callbacks=[SOMDecay(total_steps=...)] or "
                    "steps_per_epoch to fit."
                )
            total = max(steps * epochs, 1)  # 0 steps: the model reports the empty data
        model.total_steps.assign(float(total))
        if self.restart:
            model.step.assign(0.0)
        self.history = {"sigma": [], "learning_rate": []}

    def on_epoch_end(self, epoch, logs=None):
        sigma, learning_rate = self.model.current_rates()
        self.history["sigma"].append(sigma)
        self.history["learning_rate"].append(learning_rate)
