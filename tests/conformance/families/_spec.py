"""What the conformance suite needs to know of a registered model: a tiny instance and its data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Spec:
    """One registered model under test.

    Args:
        name: the registry name (`mlzoo.models.get(name, **kwargs)`).
        kwargs: builder arguments of a tiny instance.
        data: returns `(x, y)` numpy arrays of a few dozen rows (`y` None when unsupervised).
        compile: returns the compile arguments (fresh objects); {} = the model's defaults.
        fit: fit arguments of every training run (no shuffling, so runs are comparable).
        callbacks: returns the callbacks of every training run (fresh objects).
        bad_labels: family-specific label mistakes: (case, function of (x, y) -> wrong y).
        atol: tolerance of numpy = tf.data = steps_per_execution = MirroredStrategy.
        mirrored: whether the model trains under `MirroredStrategy` (else: a clear error).
    """

    name: str
    kwargs: dict
    data: Callable[[], tuple]
    compile: Callable[[], dict] = dict
    fit: dict = field(default_factory=lambda: {"epochs": 5, "batch_size": 16, "shuffle": False})
    callbacks: Callable[[], list] = list
    bad_labels: list[tuple[str, Callable]] = field(default_factory=list)
    atol: float = 1e-5
    mirrored: bool = True

    def __str__(self) -> str:
        return self.name


def unit_data(n=48, features=6, classes=3, seed=0, labels="one_hot"):
    """Features in [0, 1] around one prototype per class; labels one-hot, integer or None."""
    rng = np.random.default_rng(seed)
    classes_of = np.arange(n) % classes
    prototypes = rng.random((classes, features))
    x = np.clip(prototypes[classes_of] + 0.15 * rng.standard_normal((n, features)), 0, 1)
    x = x.astype("float32")
    if labels == "one_hot":
        return x, np.eye(classes, dtype="float32")[classes_of]
    if labels == "integer":
        return x, classes_of.astype("int64")
    return x, None
