"""Reconstruction error weighted by a per-image rescaled saliency map."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from mlzoo._checks import check_non_negative

_PACKING = (
    "y_true must be the image with its saliency map packed in: (N, H, W, C + 1) for image "
    "predictions (N, H, W, C), or (N, D + P) for flat predictions (N, D) with D = P * C "
    "(the flat image followed by the flat map); build it with "
    "mlzoo.losses.pack_foreground_target(images, saliency)."
)


def foreground_weights(saliency, eps: float = 0.2):
    """Per-image rescaled saliency weights `S~ = (S + eps) / max(S + eps)`.

    The pixel weights of the foreground-weighted reconstruction (thesis
    §2.3.2.1): the maximum is taken per sample over all non-batch axes, so every
    image's most salient pixel gets weight 1 and a background pixel (`S = 0`)
    gets `eps / (max S + eps)`. A sample whose `S + eps` is all zero (zero map,
    `eps = 0`) gets uniform weights 1. Saliency values are expected to be `>= 0`.

    Args:
        saliency: saliency maps `(N, ...)`, numpy array or tensor.
        eps: offset `epsilon >= 0` that keeps the background in the loss.

    Returns:
        A tensor of `saliency`'s shape.

    Examples:
        >>> import keras, numpy as np
        >>> weights = foreground_weights(np.array([[0.0, 0.3]]), eps=0.2)
        >>> keras.ops.convert_to_numpy(weights).round(2).tolist()
        [[0.4, 1.0]]
    """
    eps = check_non_negative("eps", eps)
    shifted = ops.convert_to_tensor(saliency) + eps
    peak = ops.max(shifted, axis=tuple(range(1, len(shifted.shape))), keepdims=True)
    positive = peak > 0
    return ops.where(positive, shifted / ops.where(positive, peak, 1), ops.ones_like(shifted))


def pack_foreground_target(images, saliency):
    """Pack images and their saliency maps into the `y_true` of `ForegroundWeightedMSE`.

    Image batches `(N, H, W, C)` (any rank >= 3, channels last) take the map
    `(N, H, W)` or `(N, H, W, 1)` as an extra last channel: `(N, H, W, C + 1)`.
    Flat batches `(N, D)` (channels-last pixels flattened, `D = P * C`) take the
    flattened map `(N, P)` after them: `(N, D + P)`.

    Args:
        images: reconstruction targets `I`, numpy array or tensor.
        saliency: their saliency maps `S`, same batch size.

    Returns:
        A numpy array when both inputs are numpy-like, else a tensor, of dtype floatx.

    Examples:
        >>> import numpy as np
        >>> pack_foreground_target(np.zeros((2, 4, 4, 3)), np.ones((2, 4, 4))).shape
        (2, 4, 4, 4)
    """
    dtype = keras.config.floatx()
    if ops.is_tensor(images) or ops.is_tensor(saliency):
        xp, images, saliency = ops, ops.cast(images, dtype), ops.cast(saliency, dtype)
    else:
        xp, images, saliency = np, np.asarray(images, dtype), np.asarray(saliency, dtype)
    image_shape, map_shape = tuple(images.shape), tuple(saliency.shape)
    if len(image_shape) >= 3:
        if map_shape not in (image_shape[:-1], image_shape[:-1] + (1,)):
            raise ValueError(
                f"Saliency maps for images of shape {image_shape} (channels last) must have "
                f"shape {image_shape[:-1]} or {image_shape[:-1] + (1,)}; received {map_shape}."
            )
        return xp.concatenate([images, xp.reshape(saliency, (-1, *image_shape[1:-1], 1))], axis=-1)
    if len(image_shape) != 2 or len(map_shape) < 2 or map_shape[0] != image_shape[0]:
        raise ValueError(
            "`images` must be (N, H, W, C) or flat (N, D) and `saliency` (N, ...) with the "
            f"same N; received images {image_shape} and saliency {map_shape}."
        )
    pixels = int(np.prod(map_shape[1:]))
    if image_shape[1] % pixels:
        raise ValueError(
            f"Flat images of width D={image_shape[1]} must hold P * C values for the P={pixels} "
            f"pixels of the saliency maps {map_shape}; {image_shape[1]} is not a multiple of "
            f"{pixels}."
        )
    return xp.concatenate([images, xp.reshape(saliency, (-1, pixels))], axis=-1)


@keras.saving.register_keras_serializable(package="mlzoo")
class ForegroundWeightedMSE(keras.losses.Loss):
    """Mean squared reconstruction error weighted by the rescaled saliency map.

    `min ||S~ ⊙ (R - I)||^2` with `S~ = (S + eps) / max(S + eps)` per image
    (foreground-weighted reconstruction, thesis §2.3.2.1, `eps = 0.2`); the
    per-sample loss is the mean over all elements of `(S~ ⊙ (R - I))^2`, `S~`
    broadcast over the channels. The map is only needed for training, so it
    travels in `y_true` (see `pack_foreground_target`): `(N, H, W, C + 1)` for
    predictions `(N, H, W, C)` (any rank >= 3, channels last), `(N, D + P)` for
    flat predictions `(N, D)` with `D = P * C`.

    Args:
        eps: offset `epsilon >= 0`; large values approach plain MSE.
        reduction: Keras loss reduction.
        name: loss name.
        dtype: dtype of the loss computation (default floatx).

    Examples:
        >>> import numpy as np
        >>> images, saliency = np.zeros((1, 2, 2, 1)), np.array([[[1.0, 0.0], [0.0, 0.0]]])
        >>> y_true = pack_foreground_target(images, saliency)
        >>> round(float(ForegroundWeightedMSE(eps=0.2)(y_true, np.ones((1, 2, 2, 1)))), 4)
        0.2708
    """

    def __init__(
        self,
        eps: float = 0.2,
        reduction="sum_over_batch_size",
        name="foreground_weighted_mse",
        dtype=None,
    ):
        super().__init__(reduction=reduction, name=name, dtype=dtype)
        self.eps = check_non_negative("eps", eps)

    def call(self, y_true, y_pred):
        true_shape, pred_shape = tuple(y_true.shape), tuple(y_pred.shape)
        if len(pred_shape) >= 3:
            if true_shape[:-1] != pred_shape[:-1] or true_shape[-1] != pred_shape[-1] + 1:
                raise ValueError(
                    f"ForegroundWeightedMSE got y_true {true_shape} for y_pred {pred_shape}. "
                    + _PACKING
                )
            images, saliency = y_true[..., :-1], y_true[..., -1:]
        elif len(pred_shape) == 2:
            width, pixels = pred_shape[-1], true_shape[-1] - pred_shape[-1]
            if len(true_shape) != 2 or pixels < 1 or width % pixels:
                raise ValueError(
                    f"ForegroundWeightedMSE got y_true {true_shape} for y_pred {pred_shape}: "
                    f"the {pixels} values after the image are not a map of P pixels with "
                    f"D = P * C. " + _PACKING
                )
            images = ops.reshape(y_true[:, :width], (-1, pixels, width // pixels))
            saliency = ops.reshape(y_true[:, width:], (-1, pixels, 1))
            y_pred = ops.reshape(y_pred, (-1, pixels, width // pixels))
        else:
            raise ValueError(f"ForegroundWeightedMSE needs y_pred of rank >= 2; got {pred_shape}.")
        weighted = foreground_weights(saliency, self.eps) * (y_pred - images)
        return ops.mean(ops.square(weighted), axis=tuple(range(1, len(weighted.shape))))

    def get_config(self):
        config = super().get_config()
        config.update({"eps": self.eps})
        return config
