"""The RBF network of the BP lecture: Gaussian units, then a linear (or softmax) output."""

from __future__ import annotations

import keras
import numpy as np

from mlzoo._checks import (
    check_batch,
    check_class_labels,
    check_positive,
    check_positive_int,
    check_sample_shape,
    one_hot_for_loss,
)
from mlzoo.layers.radial_basis import RadialBasis
from mlzoo.models.rbf.centres import init_centres, width_heuristic
from mlzoo.models.registry import register
from mlzoo.models.zoo_model import ZooModel


@keras.saving.register_keras_serializable(package="mlzoo")
class RBFNetwork(ZooModel):
    """phi(x) = sum_i w_i rho(x, c_i), rho = exp(-beta_i ||x - c_i||^2) (BP lecture, RBF net).

    Step 1 (`x_init` given): centres from the data (`init_centres`, k-means or
    samples) and widths from the centres (`width_heuristic`); step 2: BP of
    everything with `model.fit`. Without `x_init` the centres start uniform in
    [0, 1] and the widths at `beta`. `fit`/`evaluate`/`predict` reject wrong
    shapes, NaN inputs, magnitudes that overflow float32 and bad labels with
    a clear error. With the softmax output, labels are integer classes for a
    sparse loss (the default, `sparse_categorical_crossentropy`, Adam) and
    one-hot rows for Keras' other losses; other outputs default to MSE.

    Args:
        input_dim: d.
        units: Gaussian units.
        output_dim: outputs (classes for softmax).
        x_init: data (N, d) for step 1.
        centre_method: "kmeans" or "sample".
        beta: initial width when `x_init` is None.
        beta_scale: multiplies the heuristic widths (> 1: narrower Gaussians).
        output_activation: "softmax" (classification, default) or e.g. None.
        trainable_centres: False freezes step 1's centres.
        trainable_beta: False freezes step 1's widths.
        seed: seed of step 1.
        **kwargs: `keras.Model` arguments (`name`).

    Examples:
        >>> import mlzoo
        >>> from mlzoo import build_rbf_network
        >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)
        >>> model = build_rbf_network(64, 60, 10, x_init=x)
        >>> model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    """

    config_exclude = ("x_init",)  # step 1's data: the centres and widths are weights

    def __init__(
        self,
        input_dim: int,
        units: int,
        output_dim: int,
        x_init=None,
        centre_method: str = "kmeans",
        beta: float = 1.0,
        beta_scale: float = 1.0,
        output_activation: str | None = "softmax",
        trainable_centres: bool = True,
        trainable_beta: bool = True,
        seed: int | None = 0,
        **kwargs,
    ):
        input_dim = check_positive_int("input_dim", input_dim)
        units = check_positive_int("units", units)
        output_dim = check_positive_int("output_dim", output_dim)
        check_positive("beta", beta)
        check_positive("beta_scale", beta_scale)
        centres, widths = None, beta
        if x_init is not None:
            x_init = check_batch("x_init", x_init, (input_dim,))
            centres = init_centres(x_init, units, centre_method, seed)
            with np.errstate(over="ignore"):
                widths = _checked_widths(width_heuristic(centres) * np.float32(beta_scale))
        inputs = keras.Input((input_dim,), name="x")
        hidden = RadialBasis(
            units,
            centres=centres,
            beta=widths,
            trainable_centres=trainable_centres,
            trainable_beta=trainable_beta,
            name="radial_basis",
        )(inputs)
        outputs = keras.layers.Dense(
            output_dim, activation=output_activation, dtype="float32", name="output"
        )(hidden)
        super().__init__(inputs, outputs, **kwargs)
        self.output_dim = output_dim
        self.output_activation = output_activation

    def compile_defaults(self) -> dict:
        """Adam; sparse cross-entropy for the softmax output, else mean squared error."""
        loss = "sparse_categorical_crossentropy" if self._classifies else "mse"
        return {"optimizer": "adam", "loss": loss}

    @property
    def _classifies(self) -> bool:
        return self.output_activation == "softmax"

    def check_data(self, x, y, where: str) -> None:
        if y is None:
            return
        if self._classifies:
            one_hot = one_hot_for_loss(getattr(self, "_compile_args", {}).get("loss"))
            check_class_labels(f"{where} y", y, self.output_dim, one_hot=one_hot)
        elif self.output_dim > 1 or len(getattr(y, "shape", ())) == 2:
            check_sample_shape(f"{where} y", y, (self.output_dim,))


def _checked_widths(widths: np.ndarray) -> np.ndarray:
    """Scaled widths that float32 can hold."""
    if not np.isfinite(widths).all() or not (widths > 0).all():
        raise ValueError(
            "`beta_scale` times the heuristic widths leaves the float32 range (widths "
            f"{np.min(widths):g}..{np.max(widths):g}): lower `beta_scale` or rescale `x_init`."
        )
    return widths


@register("rbf_network")
def build_rbf_network(
    input_dim: int, units: int, output_dim: int, x_init=None, **kwargs
) -> RBFNetwork:
    """An `RBFNetwork`; with `x_init`, centres by k-means on it and nearest-centre widths.

    Examples:
        >>> import numpy as np
        >>> model = build_rbf_network(2, 4, 3, x_init=np.random.default_rng(0).random((50, 2)))
        >>> tuple(model.get_layer("radial_basis").centres.shape)
        (4, 2)
    """
    return RBFNetwork(input_dim, units, output_dim, x_init=x_init, **kwargs)
