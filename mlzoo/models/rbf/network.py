"""The RBF network of the BP lecture: Gaussian units, then a linear (or softmax) output."""

from __future__ import annotations

import keras

from mlzoo._checks import check_positive_int
from mlzoo.layers.radial_basis import RadialBasis
from mlzoo.models._checked_inputs import CheckedInputs
from mlzoo.models._rebuilt_functional import RebuiltFunctional
from mlzoo.models.rbf.centres import init_centres, width_heuristic
from mlzoo.models.sharing.sharing_ensemble import check_inputs


@keras.saving.register_keras_serializable(package="mlzoo")
class RBFNetwork(RebuiltFunctional, CheckedInputs, keras.Model):
    """phi(x) = sum_i w_i rho(x, c_i), rho = exp(-beta_i ||x - c_i||^2) (BP lecture, RBF net).

    Step 1 (`x_init` given): centres from the data (`init_centres`, k-means or
    samples) and widths from the centres (`width_heuristic`); step 2: BP of
    everything with `model.fit`. Without `x_init` the centres start uniform in
    [0, 1] and the widths at `beta`. `fit`/`evaluate`/`predict` reject wrong
    shapes, NaN inputs and bad labels with a clear error.

    Args:
        input_dim: d.
        units: Gaussian units.
        output_dim: outputs (classes for softmax).
        x_init: data (N, d) for step 1.
        centre_method: "kmeans" or "sample".
        beta: initial width when `x_init` is None.
        beta_scale: multiplies the heuristic widths (> 1: narrower Gaussians).
        output_activation: "softmax" (classification, default) or e.g. None.
        trainable_centres, trainable_beta: freeze step 1's result if False.
        seed: seed of step 1.
        **kwargs: `keras.Model` arguments (`name`).

    Example:

    >>> import mlzoo
    >>> from mlzoo import build_rbf_network
    >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)
    >>> model = build_rbf_network(64, 60, 10, x_init=x)
    >>> model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    """

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
        if not beta_scale > 0:
            raise ValueError(f"`beta_scale` must be positive; received beta_scale={beta_scale!r}.")
        centres, widths = None, beta
        if x_init is not None:
            centres = init_centres(x_init, units, centre_method, seed)
            if centres.shape[1] != input_dim:
                raise ValueError(
                    f"`x_init` has {centres.shape[1]} features but input_dim={input_dim}."
                )
            widths = width_heuristic(centres) * beta_scale
        self._config = {
            "input_dim": input_dim,
            "units": units,
            "output_dim": output_dim,
            "centre_method": centre_method,
            "beta": float(beta),
            "beta_scale": float(beta_scale),
            "output_activation": output_activation,
            "trainable_centres": bool(trainable_centres),
            "trainable_beta": bool(trainable_beta),
            "seed": seed,
        }
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

    def _check_xy(self, x, y, where: str) -> None:
        labels = y if self._config["output_activation"] == "softmax" else None
        check_inputs(self, self._config["output_dim"], x, labels, where)


def build_rbf_network(
    input_dim: int, units: int, output_dim: int, x_init=None, **kwargs
) -> RBFNetwork:
    """An `RBFNetwork`; with `x_init`, centres by k-means on it and nearest-centre widths.

    >>> import numpy as np
    >>> model = build_rbf_network(2, 4, 3, x_init=np.random.default_rng(0).random((50, 2)))
    >>> model.get_layer("radial_basis").centres.shape
    (4, 2)
    """
    return RBFNetwork(input_dim, units, output_dim, x_init=x_init, **kwargs)
