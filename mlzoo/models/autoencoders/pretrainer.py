"""Greedy layer-wise pre-training with saliency (thesis sections 2.2.3, 2.3.2, 3.3.2)."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import keras
import numpy as np

from mlzoo._checks import (
    check_batch,
    check_choice,
    check_fraction,
    check_non_negative,
    check_positive_int,
    check_values,
)
from mlzoo.layers.masking_noise import MaskingNoise
from mlzoo.layers.saliency_reconstruction_head import SaliencyReconstructionHead
from mlzoo.models.autoencoders.auxiliary import build_auxiliary_stack, pooling_between
from mlzoo.models.autoencoders.classifier import ENCODER_PREFIX
from mlzoo.models.autoencoders.layerwise import LayerwiseAutoencoder
from mlzoo.models.autoencoders.plan import METHODS, StagePlan, stage_plans

if TYPE_CHECKING:
    import tensorflow as tf

NOISES = ("mask", "gaussian", None)

#: Pixel values pre-training accepts: [0, 1] images, or standardised ones. The stages
#: reconstruct them under a squared error, so raw 0..255 images give losses in the thousands.
PIXEL_RANGE = (-10.0, 10.0)
_SCALE_HINT = (
    " Pre-training reconstructs the pixels under a squared error: scale images to [0, 1] "
    "(x / 255, or mlzoo.datasets.minmax_scale) or standardise them."
)
_DATA_TAG = "mlzoo-pretrain-data"


class GreedyPretrainer:
    """Initialises a classifier's encoder layers one by one with (saliency) autoencoders.

    Each encoder layer, bottom up, becomes the encoder of a tied denoising
    autoencoder (`LayerwiseAutoencoder`) fed by the frozen layers below and
    trained with `model.fit` (progress bars, callbacks, `tf.data`); the layer's
    weights are the classifier's own, so afterwards the classifier is
    initialised and is fine-tuned with its usual `fit` (figure 2-8). Saliency
    maps enter only here, as `method` says (see `stage_plans`):

    "dae" (plain), "foreground" (section 2.3.2.1), "saliency_first" and
    "saliency_all" (2.3.2.2, figure 2-27), "dual_path" (figure 2-28; with
    Conv2D encoders the dual-path convolutional autoencoder of section 3.3.2).

    Args:
        method: one of `METHODS`.
        noise: "mask" (zero a fraction `noise_level` of the inputs), "gaussian"
            (add N(0, noise_level^2)) or None (a plain autoencoder).
        noise_level: masking fraction in [0, 1) or Gaussian standard deviation.
        saliency_weight: lambda of the saliency terms (the thesis: 1).
        saliency_weight_decay: dual-path lambda decrease per layer; default 0.1
            for Dense encoders (figure 2-28), 0 for Conv2D ones (section 3.3.2).
        foreground_eps: epsilon of `ForegroundWeightedMSE` (0.2).
        auxiliary_units: widths (filters) of the dual-path auxiliary stack's
            layers; default the main layers' widths (the thesis's FC run: 800s).
        sparse_pool: Conv2D stages decode (image and saliency) from the
            max-pooling sparse code with this pool size (section 3.2.2.2);
            "auto": the model's own pooling after each layer; None: the full code.
        decoder_activation: activation of the tied decoders (default linear).
        epochs: epochs per layer.
        batch_size: batch size for array inputs.
        optimizer: optimizer name (a fresh one per stage) or a callable
            returning a new `keras.optimizers.Optimizer`.
        learning_rate: learning rate of a named optimizer.
        steps_per_execution: `compile(steps_per_execution=...)` of every stage.
        verbose: `fit` verbosity; also prints one line per stage when truthy.
        seed: seed of the corruption noise (stage i uses seed + i).

    After `pretrain`: `stages` (the `LayerwiseAutoencoder`s, for
    reconstructions and saliency reconstructions), `auxiliary_stack` (dual-path)
    and `history` (one `History.history` dict per stage).

    Examples:
        >>> from mlzoo import GreedyPretrainer, build_pretrainable_mlp
        >>> from mlzoo.datasets import make_shapes_labelled
        >>> from mlzoo.saliency import geodesic_saliency
        >>> x_unlabelled, _ = make_shapes_labelled(256, seed=0)      # uint8 images, 5 classes
        >>> x_labelled, y_labelled = make_shapes_labelled(128, seed=1)
        >>> model = build_pretrainable_mlp((32, 32, 3), 5, hidden_units=(64, 32))
        >>> maps = geodesic_saliency(x_unlabelled)                   # (N, 32, 32), uint8 images in
        >>> histories = GreedyPretrainer("dual_path", epochs=2, verbose=0).pretrain(
        ...     model, x_unlabelled / 255, maps)
        >>> [len(history["loss"]) for history in histories]          # one per layer, per epoch
        [2, 2]
        >>> model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        >>> history = model.fit(x_labelled / 255, y_labelled, epochs=2, verbose=0)
    """

    def __init__(
        self,
        method: str = "dae",
        *,
        noise: str | None = "mask",
        noise_level: float = 0.25,
        saliency_weight: float = 1.0,
        saliency_weight_decay: float | None = None,
        foreground_eps: float = 0.2,
        auxiliary_units: Sequence[int] | None = None,
        sparse_pool: int | str | None = "auto",
        decoder_activation=None,
        epochs: int = 10,
        batch_size: int = 128,
        optimizer: str | Callable[[], keras.optimizers.Optimizer] = "adam",
        learning_rate: float = 1e-3,
        steps_per_execution: int = 1,
        verbose="auto",
        seed: int | None = None,
    ):
        check_choice("method", method, METHODS)
        check_choice("noise", noise, NOISES)
        if noise == "mask":
            check_fraction("noise_level", noise_level, high=0.99)
        else:
            check_non_negative("noise_level", noise_level)
        self.method = method
        self.noise = noise
        self.noise_level = float(noise_level)
        self.saliency_weight = check_non_negative("saliency_weight", saliency_weight)
        self.saliency_weight_decay = (
            None
            if saliency_weight_decay is None
            else check_non_negative("saliency_weight_decay", saliency_weight_decay)
        )
        self.foreground_eps = check_non_negative("foreground_eps", foreground_eps)
        self.auxiliary_units = (
            None
            if auxiliary_units is None
            else [check_positive_int("auxiliary_units", u) for u in auxiliary_units]
        )
        self.sparse_pool = (
            sparse_pool
            if sparse_pool is None or sparse_pool == "auto"
            else check_positive_int("sparse_pool", sparse_pool)
        )
        self.decoder_activation = decoder_activation
        self.epochs = check_positive_int("epochs", epochs)
        self.batch_size = check_positive_int("batch_size", batch_size)
        if not (isinstance(optimizer, str) or callable(optimizer)):
            raise TypeError(
                "`optimizer` must be an optimizer name or a callable returning a new "
                f"optimizer (each stage needs its own); received {optimizer!r}."
            )
        self.optimizer = optimizer
        self.learning_rate = float(learning_rate)
        if not self.learning_rate > 0:
            raise ValueError(f"`learning_rate` must be positive; received {learning_rate!r}.")
        self.steps_per_execution = check_positive_int("steps_per_execution", steps_per_execution)
        self.verbose = verbose
        self.seed = seed
        self.stages: list[LayerwiseAutoencoder] = []
        self.auxiliary_stack: keras.Model | None = None
        self.history: list[dict] = []

    @property
    def needs_saliency(self) -> bool:
        return self.method != "dae"

    # ------------------------------------------------------------------ public
    def pretrain(
        self,
        model: keras.Model,
        x,
        saliency=None,
        *,
        layers: Sequence[keras.layers.Layer] | None = None,
        callbacks: Sequence[keras.callbacks.Callback] | None = None,
    ) -> list[dict]:
        """Pre-train `layers` (default: the model's `encoder_*` layers) bottom up.

        Args:
            model: a functional model (e.g. `build_pretrainable_mlp`).
            x: images (N, H, W, C) / (N, H, W) as the model takes them, or a
                `tf.data.Dataset` of batches `images` or `(images, maps)`.
            saliency: maps (N, H, W) in [0, 1] (`mlzoo.saliency.geodesic_saliency`)
                for array `x`; needed by every method but "dae".
            layers: Dense or Conv2D layers of `model` to pre-train, bottom up.
            callbacks: Keras callbacks for every stage's `fit`.

        Returns:
            One `History.history` dict per stage (also in `self.history`).
        """
        import tensorflow as tf  # the stages read `tf.data` pipelines, on every backend

        try:
            return self._pretrain(model, x, saliency, layers, callbacks)
        except tf.errors.InvalidArgumentError as error:  # a dataset batch failed its check
            text = str(getattr(error, "message", error))
            if _DATA_TAG not in text:
                raise
            what = "maps" if "maps" in text.split(_DATA_TAG, 1)[1][:20] else "images"
            wanted = "in [0, 1]" if what == "maps" else f"finite and in {list(PIXEL_RANGE)}"
            raise ValueError(
                f"The dataset yielded a batch of {what} that are not {wanted}."
                f"{_SCALE_HINT if what == 'images' else ''}"
            ) from None

    def _pretrain(self, model, x, saliency, layers, callbacks) -> list[dict]:
        encoders = self._encoders(model, layers)
        map_shape = tuple(model.inputs[0].shape[1:3])
        data = self._data(model, x, saliency, map_shape)
        sample = keras.tree.map_structure(keras.ops.convert_to_numpy, next(iter(data.take(1))))
        decay = self.saliency_weight_decay
        if decay is None:
            decay = 0.1 if isinstance(encoders[0], keras.layers.Dense) else 0.0
        plans = stage_plans(self.method, len(encoders), self.saliency_weight, decay)
        pools = self._sparse_pools(encoders)
        self.auxiliary_stack = None
        if self.method == "dual_path" and len(encoders) > 1:
            widths = self.auxiliary_units or [_width(e) for e in encoders[:-1]]
            if len(widths) < len(encoders) - 1:
                raise ValueError(
                    f"`auxiliary_units` needs {len(encoders) - 1} widths (one per layer below "
                    f"the top); received {self.auxiliary_units}."
                )
            self.auxiliary_stack = build_auxiliary_stack(
                encoders, map_shape, widths[: len(encoders) - 1]
            )
        self.stages, self.history = [], []
        for i, (encoder, plan) in enumerate(zip(encoders, plans, strict=True)):
            stage = self._stage(model, encoders, i, plan, map_shape, pools)
            stage.compute_terms(*_xs(sample))  # creates the decoder, head and auxiliary weights
            stage.built = True
            stage.compile(
                optimizer=self._new_optimizer(), steps_per_execution=self.steps_per_execution
            )
            stage.optimizer.build(stage.own_variables())
            if self.verbose:
                print(
                    f"Pre-training {encoder.name} ({i + 1}/{len(encoders)}), {self.method}: "
                    f"{_describe(plan)}"
                )
            history = stage.fit(
                data,
                epochs=self.epochs,
                callbacks=list(callbacks or []),
                shuffle=False,  # the dataset shuffles
                verbose=self.verbose,
            )
            self.stages.append(stage)
            self.history.append(history.history)
        return self.history

    # ------------------------------------------------------------------ pieces
    def _encoders(self, model, layers) -> list[keras.layers.Layer]:
        if not isinstance(model, keras.Model) or not getattr(model, "inputs", None):
            raise TypeError(
                "`model` must be a functional keras.Model (e.g. build_pretrainable_mlp); "
                f"received {type(model).__name__}."
            )
        if layers is None:
            layers = [layer for layer in model.layers if layer.name.startswith(ENCODER_PREFIX)]
            if not layers:
                raise ValueError(
                    f"Model '{model.name}' has no layers named '{ENCODER_PREFIX}*'; pass "
                    "`layers=[...]`, the Dense or Conv2D layers to pre-train."
                )
        layers = list(layers)
        for layer in layers:
            if layer not in model.layers:
                raise ValueError(f"Layer '{layer.name}' is not a layer of '{model.name}'.")
            if not isinstance(layer, (keras.layers.Dense, keras.layers.Conv2D)):
                raise TypeError(
                    f"Layer '{layer.name}' is a {type(layer).__name__}; greedy pre-training "
                    "needs Dense or Conv2D layers."
                )
        kinds = {isinstance(layer, keras.layers.Dense) for layer in layers}
        if self.method == "dual_path" and len(kinds) > 1:
            raise ValueError(
                "The dual-path method needs the pre-trained layers to be all Dense or all "
                "Conv2D (its auxiliary stack mirrors them)."
            )
        if self.method == "foreground":
            first = layers[0].input.shape[1:]
            image = model.inputs[0].shape[1:]
            if math.prod(first) != math.prod(image):
                raise ValueError(
                    "The foreground method weights the reconstruction of the image, so the "
                    f"first pre-trained layer must take the image; '{layers[0].name}' takes "
                    f"shape {tuple(first)}."
                )
        return layers

    def _data(self, model, x, saliency, map_shape) -> tf.data.Dataset:
        import tensorflow as tf

        if isinstance(x, tf.data.Dataset):
            spec = x.element_spec
            if self.needs_saliency and not (isinstance(spec, tuple) and len(spec) >= 2):
                raise ValueError(
                    f"The '{self.method}' method needs saliency maps: the dataset must yield "
                    "(images, maps) batches."
                )
            specs = spec if isinstance(spec, tuple) else (spec,)
            wanted = (tuple(model.inputs[0].shape[1:]), tuple(map_shape))
            for name, item, shape in zip(
                ("images", "maps"), specs[: 1 + self.needs_saliency], wanted, strict=False
            ):
                got = tuple(item.shape[1:]) if item.shape.rank else ()
                if len(got) != len(shape) or any(
                    g not in (None, w) for g, w in zip(got, shape, strict=True)
                ):
                    raise ValueError(
                        f"The dataset's {name} must be batches of shape (batch, "
                        f"{', '.join(map(str, shape))}); it yields shape {tuple(item.shape)}."
                    )
            guard = functools.partial(_guard_batch, maps=self.needs_saliency)
            return x.map(guard, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        image_shape = tuple(model.inputs[0].shape[1:])
        images = _checked_array(
            "x",
            x,
            image_shape,
            hint=" (the model's input shape)",
            value_range=PIXEL_RANGE,
            range_hint=_SCALE_HINT,
        )
        if self.needs_saliency:
            if saliency is None:
                raise ValueError(
                    f"The '{self.method}' method needs saliency maps: pass `saliency` (N, H, W), "
                    "e.g. mlzoo.saliency.geodesic_saliency(images)."
                )
            maps = _checked_array("saliency", saliency, map_shape, value_range=(0.0, 1.0))
            if len(maps) != len(images):
                raise ValueError(
                    f"`x` has {len(images)} images but `saliency` has {len(maps)} maps."
                )
            data = tf.data.Dataset.from_tensor_slices((images, maps))
        else:
            data = tf.data.Dataset.from_tensor_slices(images)
        return (
            data.shuffle(len(images), seed=self.seed, reshuffle_each_iteration=True)
            .batch(self.batch_size)
            .prefetch(tf.data.AUTOTUNE)
        )

    def _sparse_pools(self, encoders) -> list[int | None]:
        """Pool size of each stage's sparse code ("auto": the pooling after the layer)."""
        if self.sparse_pool != "auto":
            return [self.sparse_pool] * len(encoders)
        between = pooling_between(encoders) if len(encoders) > 1 else []
        after = between + [between[-1] if between else 2]
        return [pool if pool > 1 else None for pool in after]

    def _noise(self, name: str, offset: int):
        if self.noise is None or self.noise_level == 0:
            return None
        seed = None if self.seed is None else self.seed + offset
        if self.noise == "mask":
            return MaskingNoise(self.noise_level, seed=seed, name=name)
        return keras.layers.GaussianNoise(self.noise_level, seed=seed, name=name)

    def _stage(self, model, encoders, i, plan: StagePlan, map_shape, pools) -> LayerwiseAutoencoder:
        encoder = encoders[i]
        feed = _feed(model, encoder)
        head = target = auxiliary = None
        if plan.saliency is not None:
            target_shape = map_shape
            if plan.saliency == "auxiliary" and i > 0:
                aux = self.auxiliary_stack
                target = keras.Model(aux.inputs[0], aux.outputs[i - 1], name=f"aux_level_{i}")
                target_shape = tuple(target.outputs[0].shape[1:])
            head = SaliencyReconstructionHead(
                target_shape,
                kind="dense" if isinstance(encoder, keras.layers.Dense) else "conv",
                activation="sigmoid" if target is None else None,
                name=f"saliency_head_{i + 1}",
            )
        if plan.auxiliary:
            aux_encoder = self.auxiliary_stack.get_layer(f"aux_encoder_{i + 1}")
            auxiliary = LayerwiseAutoencoder(
                aux_encoder,
                _feed(self.auxiliary_stack, aux_encoder),
                noise=self._noise(f"aux_noise_{i + 1}", 1000 + i),
                sparse_pool=pools[i],
                decoder_activation=self.decoder_activation,
                name=f"auxiliary_stage_{i + 1}",
            )
        return LayerwiseAutoencoder(
            encoder,
            feed,
            noise=self._noise(f"noise_{i + 1}", i),
            sparse_pool=pools[i],
            decoder_activation=self.decoder_activation,
            foreground_eps=self.foreground_eps if plan.foreground else None,
            saliency_head=head,
            saliency_target=target,
            saliency_weight=plan.saliency_weight,
            auxiliary=auxiliary,
            name=f"stage_{i + 1}",
        )

    def _new_optimizer(self) -> keras.optimizers.Optimizer:
        if callable(self.optimizer):
            return self.optimizer()
        return keras.optimizers.get(
            {"class_name": self.optimizer, "config": {"learning_rate": self.learning_rate}}
        )


def _feed(model: keras.Model, layer: keras.layers.Layer) -> keras.Model | None:
    """The frozen sub-network from the model's input to the layer's input (None: identity)."""
    if layer.input is model.inputs[0]:
        return None
    return keras.Model(model.inputs[0], layer.input, name=f"feed_{layer.name}")


def _width(layer) -> int:
    return int(layer.units if isinstance(layer, keras.layers.Dense) else layer.filters)


def _xs(sample):
    return (sample[0], sample[1]) if isinstance(sample, tuple) else (sample, None)


def _describe(plan: StagePlan) -> str:
    parts = ["foreground-weighted reconstruction" if plan.foreground else "reconstruction"]
    if plan.saliency == "map":
        parts.append(f"+ {plan.saliency_weight:g} x saliency reconstruction")
    elif plan.saliency == "auxiliary":
        parts.append(f"+ {plan.saliency_weight:g} x auxiliary reconstruction")
    if plan.auxiliary:
        parts.append("+ auxiliary autoencoder")
    return " ".join(parts)


def _checked_array(name, values, shape, *, value_range=None, hint="", range_hint="") -> np.ndarray:
    if not hasattr(values, "shape"):
        raise TypeError(f"`{name}` must be an array or a tf.data.Dataset; received {values!r}.")
    if len(values.shape) != len(shape) + 1 or tuple(values.shape[1:]) != tuple(shape):
        raise ValueError(
            f"`{name}` must have shape (N, {', '.join(map(str, shape))}){hint}; received "
            f"shape {tuple(values.shape)}."
        )
    array = check_batch(name, values, None)  # rows, numbers, finite values, float32 scale
    return check_values(name, array, value_range=value_range, hint=range_hint).astype("float32")


def _guard_batch(*element, maps: bool):
    """A dataset element with its images checked finite and in `PIXEL_RANGE` (maps in [0, 1])."""
    import tensorflow as tf

    def check(tensor, low, high, what):
        if not tensor.dtype.is_floating and not tensor.dtype.is_integer:
            return tensor
        values = tf.cast(tensor, "float32")
        ok = tf.reduce_all(tf.math.is_finite(values)) & tf.reduce_all(
            (values >= low) & (values <= high)
        )
        with tf.control_dependencies([tf.debugging.Assert(ok, [f"{_DATA_TAG} {what}"])]):
            return tf.identity(tensor)

    checked = [check(element[0], *PIXEL_RANGE, "images")]
    if len(element) > 1:
        checked.append(check(element[1], 0.0, 1.0, "maps") if maps else element[1])
    checked += list(element[2:])
    return tuple(checked) if len(checked) > 1 else checked[0]
