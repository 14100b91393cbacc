"""KerasTuner HyperModel for saliency-assisted pre-training followed by fine-tuning."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import keras_tuner
import numpy as np

from mlzoo._checks import check_choice
from mlzoo.models.autoencoders.classifier import PretrainableClassifier
from mlzoo.models.autoencoders.plan import METHODS
from mlzoo.models.autoencoders.pretrainer import GreedyPretrainer


class SaliencyPretrainingHyperModel(keras_tuner.HyperModel):
    """Search over lambda, epsilon, noise level, layer sizes and the fine-tuning rate.

    Each trial builds a `PretrainableClassifier`, pre-trains it with a
    `GreedyPretrainer` on the unlabelled images and their saliency maps given
    here (with the trial's hyper-parameters), then fine-tunes it with the
    tuner's `search(x, y, ...)` data. Only the hyper-parameters the method uses
    are searched: `saliency_weight` (lambda) for the saliency methods,
    `foreground_eps` for "foreground".

    Args:
        input_shape: image shape, e.g. `(32, 32, 3)`.
        num_classes: classes.
        unlabelled: images for pre-training, as the classifier takes them.
        saliency: their maps (N, H, W) in [0, 1]; needed except for "dae".
        method: a `GreedyPretrainer` method.
        kind: "mlp" (widths searched from `width_choices`) or "cnn" (filters).
        depth: encoder layers.
        width_choices: candidate widths (MLP units or CNN filters) per layer.
        pretrain_epochs: epochs per layer of pre-training.

    Examples:
        >>> import keras_tuner
        >>> from mlzoo.datasets import make_shapes_labelled
        >>> from mlzoo.saliency import geodesic_saliency
        >>> x_unlabelled, _ = make_shapes_labelled(256, seed=0)
        >>> x_labelled, y_labelled = make_shapes_labelled(128, seed=1)
        >>> maps = geodesic_saliency(x_unlabelled)
        >>> tuner = keras_tuner.RandomSearch(
        ...     SaliencyPretrainingHyperModel((32, 32, 3), 5, x_unlabelled / 255, maps, "dual_path",
        ...                                   depth=2, width_choices=(32, 64), pretrain_epochs=1),
        ...     objective="val_accuracy", max_trials=2)
        >>> tuner.search(x_labelled / 255, y_labelled, epochs=2, validation_split=0.2, verbose=0)
        >>> len(tuner.oracle.trials)
        2
    """

    def __init__(
        self,
        input_shape: Sequence[int],
        num_classes: int,
        unlabelled: np.ndarray,
        saliency: np.ndarray | None = None,
        method: str = "dual_path",
        kind: str = "mlp",
        depth: int = 3,
        width_choices: Sequence[int] = (250, 500, 1000),
        pretrain_epochs: int = 5,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_choice("method", method, METHODS)
        if method != "dae" and saliency is None:
            raise ValueError(f"The '{method}' method needs the unlabelled images' `saliency` maps.")
        self.input_shape = tuple(input_shape)
        self.num_classes = num_classes
        self.unlabelled = unlabelled
        self.saliency = saliency
        self.method = method
        self.kind = kind
        self.depth = depth
        self.width_choices = list(width_choices)
        self.pretrain_epochs = pretrain_epochs

    def build(self, hp: keras_tuner.HyperParameters) -> PretrainableClassifier:
        widths = [hp.Choice(f"width_{i + 1}", self.width_choices) for i in range(self.depth)]
        sizes = {"hidden_units": widths} if self.kind == "mlp" else {"filters": widths}
        model = PretrainableClassifier(self.input_shape, self.num_classes, self.kind, **sizes)
        model.compile(
            optimizer=keras.optimizers.Adam(hp.Float("learning_rate", 1e-5, 1e-3, sampling="log")),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model

    def _pretrainer(self, hp: keras_tuner.HyperParameters) -> GreedyPretrainer:
        options = {"noise_level": hp.Float("noise_level", 0.1, 0.5, step=0.1)}
        if self.method in ("saliency_first", "saliency_all", "dual_path"):
            options["saliency_weight"] = hp.Float("saliency_weight", 0.25, 1.5, step=0.25)
        if self.method == "foreground":
            options["foreground_eps"] = hp.Choice("foreground_eps", [0.1, 0.2, 0.4])
        return GreedyPretrainer(self.method, epochs=self.pretrain_epochs, verbose=0, **options)

    def fit(self, hp, model, *args, **kwargs):
        """Pre-train with the trial's settings, then fine-tune with the search data."""
        self._pretrainer(hp).pretrain(model, self.unlabelled, self.saliency)
        return model.fit(*args, **kwargs)
