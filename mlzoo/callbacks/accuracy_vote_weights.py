"""Accuracy-dependent voting of a sharing ensemble (Du et al., section 3.1)."""

from __future__ import annotations

import keras
import numpy as np


def accuracy_vote_weights(accuracies, num_classes: int, power: float = 1.0) -> np.ndarray:
    """Vote weights `max(acc_j - chance, 0) ** power` (equal if every head is at chance).

    Examples:
        >>> accuracy_vote_weights([0.9, 0.5, 0.05], num_classes=10).round(2)
        array([0.8, 0.4, 0. ])
    """
    accuracies = np.asarray(accuracies, dtype="float64")
    chance = 1.0 / max(num_classes, 2)
    weights = np.maximum(accuracies - chance, 0.0) ** power
    return weights if weights.sum() > 0 else np.ones_like(weights)


class AccuracyVoteWeights(keras.callbacks.Callback):
    """Set the heads' vote weights from their accuracy on held-out data, after each epoch.

    Section 3.1: equal votes are the usual setting, "but if the heads'
    validation accuracies differ a lot, a voting function of the validation
    accuracy" weights them. Here head j gets

        w_j = max(acc_j - chance, 0) ** power,    chance = 1 / C (binary: 0.5),

    so a head at chance level gets no vote and `power` > 1 favours the best
    heads more strongly; all heads at chance fall back to equal weights. Logs
    `best_head_val_accuracy`; `head_accuracies` holds the last epoch's values.

    Args:
        validation_data: `(x, y)` held-out arrays (not the test set).
        power: exponent of the weighting, > 0.
        batch_size: prediction batch size.

    Examples:
        >>> import keras, mlzoo
        >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)
        >>> model = mlzoo.build_sharing_ensemble_mlp(64, 10, depth=2, first_units=32)
        >>> model.compile("adam")
        >>> history = model.fit(x[:1000], y[:1000], epochs=2, verbose=0,
        ...                     callbacks=[AccuracyVoteWeights((x[1000:], y[1000:]))])
        >>> weights = keras.ops.convert_to_numpy(model.vote.vote_weights)  # 1 tap x 5 heads
        >>> weights.shape, bool((weights > 0).all())
        ((5,), True)
    """

    def __init__(self, validation_data, power: float = 1.0, batch_size: int | None = None):
        super().__init__()
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError("`validation_data` must be a tuple (x_val, y_val) of arrays.")
        if not power > 0:
            raise ValueError(f"`power` must be positive; received power={power!r}.")
        self.validation_data = validation_data
        self.power = float(power)
        self.batch_size = batch_size
        self.head_accuracies = None

    def on_train_begin(self, logs=None):
        # duck-typed: callbacks sit below the models and do not import them
        vote = getattr(self.model, "vote", None)
        if not (
            hasattr(self.model, "head_accuracies")
            and hasattr(self.model, "num_classes")
            and hasattr(vote, "set_vote_weights")
        ):
            raise ValueError(
                "AccuracyVoteWeights needs a SharingEnsemble model (attach_sharing_ensemble or "
                f"a build_sharing_ensemble_* builder); received {type(self.model).__name__}."
            )

    def on_epoch_end(self, epoch, logs=None):
        x_val, y_val = self.validation_data
        accuracies = self.model.head_accuracies(x_val, y_val, batch_size=self.batch_size)
        weights = accuracy_vote_weights(accuracies, self.model.num_classes, self.power)
        self.model.vote.set_vote_weights(weights.tolist())
        self.head_accuracies = accuracies
        if logs is not None:
            logs["best_head_val_accuracy"] = float(accuracies.max())
