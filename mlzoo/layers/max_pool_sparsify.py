"""Keep only the maximum of each non-overlapping pooling window, zero the rest."""

from __future__ import annotations

import keras
from keras import ops

from mlzoo._checks import check_positive_int


@keras.saving.register_keras_serializable(package="mlzoo")
class MaxPoolSparsify(keras.layers.Layer):
    """Max-pooling sparsification of a feature map, same shape in and out.

    `hr_yx = h_yx` if `h_yx` is the maximum of its non-overlapping `L x P`
    pooling window, else `0` (max-pooling sparse reconstruction, thesis
    §3.2.2.2): the decoder then reconstructs from the sparse map `hr`. Windows
    are taken per channel from the top-left corner; when `H` or `W` is not a
    multiple of the window, the tail windows are smaller (padded with `-inf`).
    Ties keep every entry equal to the window's maximum. The gradient flows to
    the kept entries only (the mask itself is not differentiated).

    Args:
        pool_size: window size `L x P`, an int (square window) or a pair of ints.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Input shape: `(N, H, W, C)`.
    Output shape: `(N, H, W, C)`.

    Examples:
        >>> import keras, numpy as np, mlzoo
        >>> x = np.array([[1.0, 3.0], [2.0, 0.5]]).reshape(1, 2, 2, 1)
        >>> keras.ops.convert_to_numpy(mlzoo.layers.MaxPoolSparsify(2)(x)).reshape(2, 2).tolist()
        [[0.0, 3.0], [0.0, 0.0]]
    """

    def __init__(self, pool_size: int | tuple[int, int] = 2, **kwargs):
        super().__init__(**kwargs)
        sizes = tuple(pool_size) if isinstance(pool_size, (list, tuple)) else (pool_size,) * 2
        if len(sizes) != 2:
            raise ValueError(
                f"`pool_size` must be an int or a pair of ints; received pool_size={pool_size!r}."
            )
        self.pool_size = tuple(check_positive_int("pool_size", size) for size in sizes)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(
                f"Layer '{self.name}' expects inputs of shape (N, H, W, C); received input "
                f"shape {tuple(input_shape)}."
            )

    def call(self, inputs):
        rows, cols = self.pool_size
        height, width = ops.shape(inputs)[1], ops.shape(inputs)[2]
        padded = ops.pad(
            inputs,
            [[0, 0], [0, (-height) % rows], [0, (-width) % cols], [0, 0]],
            constant_values=float("-inf"),
        )
        window_max = ops.max_pool(padded, self.pool_size, strides=self.pool_size, padding="valid")
        window_max = ops.repeat(ops.repeat(window_max, rows, axis=1), cols, axis=2)
        keep = ops.equal(inputs, window_max[:, :height, :width, :])
        return ops.where(keep, inputs, ops.zeros_like(inputs))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size})
        return config
