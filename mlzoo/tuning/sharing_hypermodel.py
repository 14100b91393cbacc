"""KerasTuner HyperModel for deep sharing ensembles."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import keras_tuner

from mlzoo._checks import check_positive_int
from mlzoo.layers.ensemble_vote import VOTINGS
from mlzoo.models.sharing._backbone import tap_positions
from mlzoo.models.sharing.cnn import build_sharing_ensemble_cnn
from mlzoo.models.sharing.mlp import build_sharing_ensemble_mlp

LOSS_WEIGHTINGS = ("equal", "deeper")


def loss_weights_for(head_taps: Sequence[int], weighting: str) -> list[float]:
    """lambda_{l,j} per head: "equal" (1 each) or "deeper" (proportional to the tap's depth).

    Examples:
        >>> loss_weights_for([0, 0, 1, 1], "deeper")
        [0.5, 0.5, 1.0, 1.0]
    """
    if weighting == "equal":
        return [1.0] * len(head_taps)
    if weighting == "deeper":
        top = max(head_taps) + 1
        return [(tap + 1) / top for tap in head_taps]
    raise ValueError(f"`weighting` must be one of {LOSS_WEIGHTINGS}; received {weighting!r}.")


class SharingEnsembleHyperModel(keras_tuner.HyperModel):
    """Search space over the sharing-ensemble builders: taps, heads, loss weights, voting.

    Tunes `head_every` (which layers carry heads), `heads_per_tap`, the loss
    weighting (`loss_weights_for`: equal, or growing with depth), `voting`
    (soft / hard) and Adam's learning rate, over `build_sharing_ensemble_mlp`
    (`input_shape=(d,)`) or `build_sharing_ensemble_cnn` (`input_shape=(H, W)`
    or `(H, W, C)`). Compiled with the default cross-entropy and "accuracy"
    (of the ensemble); `val_ensemble_accuracy` (to maximise) is the natural
    objective.

    Args:
        input_shape: `(input_dim,)` for the MLP or an image shape for the CNN.
        num_classes: classes.
        depth: layers of the backbone.
        width: first layer width (MLP pyramid) or filters per conv layer (CNN).
        head_every: the choices of `head_every`.
        heads_per_tap: the choices of `heads_per_tap`.
        votings: the choices of the voting rule.
        learning_rates: the choices of the learning rate.
        builder_args: further arguments of the builder (e.g. `activation`).

    Examples:
        >>> import keras_tuner, mlzoo
        >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)
        >>> tuner = keras_tuner.RandomSearch(
        ...     SharingEnsembleHyperModel((64,), 10, depth=4, width=64),
        ...     objective=keras_tuner.Objective("val_ensemble_accuracy", "max"), max_trials=2)
        >>> tuner.search(x, y, epochs=2, validation_split=0.2, verbose=0)
        >>> len(tuner.oracle.trials)
        2
    """

    def __init__(
        self,
        input_shape: Sequence[int],
        num_classes: int,
        depth: int = 8,
        width: int = 256,
        head_every: Sequence[int] = (1, 2, 4),
        heads_per_tap: Sequence[int] = (1, 3, 5),
        votings: Sequence[str] = VOTINGS,
        learning_rates: Sequence[float] = (1e-3, 3e-3, 1e-2),
        builder_args: dict | None = None,
        name: str | None = "sharing_ensemble",
        tunable: bool = True,
    ):
        super().__init__(name=name, tunable=tunable)
        self.input_shape = tuple(input_shape)
        if len(self.input_shape) not in (1, 2, 3):
            raise ValueError(
                f"`input_shape` must be (d,) for the MLP or (H, W[, C]) for the CNN; received "
                f"{input_shape!r}."
            )
        self.num_classes = check_positive_int("num_classes", num_classes)
        self.depth = check_positive_int("depth", depth)
        self.width = check_positive_int("width", width)
        self.head_every = [check_positive_int("head_every", h) for h in head_every]
        self.heads_per_tap = [check_positive_int("heads_per_tap", h) for h in heads_per_tap]
        if not votings or any(v not in VOTINGS for v in votings):
            raise ValueError(f"`votings` must be a non-empty subset of {VOTINGS}; got {votings!r}.")
        if not learning_rates or any(lr <= 0 for lr in learning_rates):
            raise ValueError(f"`learning_rates` must be positive; received {learning_rates!r}.")
        self.votings, self.learning_rates = list(votings), list(learning_rates)
        self.builder_args = dict(builder_args or {})

    def build(self, hp: keras_tuner.HyperParameters) -> keras.Model:
        head_every = hp.Choice("head_every", self.head_every)
        heads_per_tap = hp.Choice("heads_per_tap", self.heads_per_tap)
        weighting = hp.Choice("loss_weighting", list(LOSS_WEIGHTINGS))
        taps = tap_positions(self.depth, head_every)
        head_taps = [tap for tap in range(len(taps)) for _ in range(heads_per_tap)]
        common = {
            "head_every": head_every,
            "heads_per_tap": heads_per_tap,
            "loss_weights": loss_weights_for(head_taps, weighting),
            "voting": hp.Choice("voting", self.votings),
            **self.builder_args,
        }
        if len(self.input_shape) == 1:
            model = build_sharing_ensemble_mlp(
                self.input_shape[0],
                self.num_classes,
                depth=self.depth,
                first_units=self.width,
                **common,
            )
        else:
            model = build_sharing_ensemble_cnn(
                self.input_shape, self.num_classes, filters=[self.width] * self.depth, **common
            )
        model.compile(
            optimizer=keras.optimizers.Adam(hp.Choice("learning_rate", self.learning_rates)),
            metrics=["accuracy"],
        )
        return model
