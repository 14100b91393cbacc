"""ART1 (Carpenter & Grossberg 1987): clustering of binary features."""

from __future__ import annotations

import keras
from keras import ops

from mlzoo.models.art._base import ARTModel
from mlzoo.models.art._search import sum_dtype
from mlzoo.models.registry import register


@register("art1")
@keras.saving.register_keras_serializable(package="mlzoo")
class ART1(ARTModel):
    """ART1 for binary input (Carpenter & Grossberg 1987), with the rules of artlib's `ART1`.

    A category j is a bottom-up weight b_j and a top-down template t_j (the
    two halves of its row of `category_weights`). For each binary sample I, in
    order, with d = input_dim and ∧ the logical AND:

        choice     T_j = I . b_j
        match      M_j = |I ∧ t_j| / d
        resonance  J = argmax_j T_j over committed j with M_j >= rho (ties: lowest j)
        learning   t_J <- I ∧ t_J,   b_J <- L / (L - 1 + |t_J|) t_J
        no J       commit t = I,  b = L / (L - 1 + d) I

    As in artlib, M_j divides by d where the paper divides by |I|, and a new
    category's bottom-up weights are scaled by d (the bound on an uncommitted
    node's weights) until its first resonance. `predict` gives argmax_j T_j
    over the committed categories (no vigilance). `fit` logs `categories` and
    `loss`, the mean of (|I| - |I ∧ t_J|) / |I| (the paper's mismatch: the
    share of the sample's ones the template lacks; 0 for an all-zero I), t_J
    before learning and 1 for a commit; evaluate/validation: J predicted.

    Args:
        input_dim: d, binary features per sample.
        max_categories: capacity; `fit` raises a `ValueError` when a sample
            needs one more category.
        vigilance: rho in [0, 1].
        uncommitted_bias: L >= 1 (artlib's `L`); larger favours larger templates.
        **kwargs: `keras.Model` arguments (`name`).

    Input shape `(N, input_dim)` of 0/1; `predict` output `(N,)` int32 categories.

    Examples:
        >>> import numpy as np
        >>> x = (np.random.default_rng(0).random((100, 16)) > 0.5).astype("float32")
        >>> model = ART1(16, max_categories=100, vigilance=0.3, uncommitted_bias=2.0)
        >>> model.compile()
        >>> history = model.fit(x, verbose=0)
        >>> model.predict(x, verbose=0).shape
        (100,)
    """

    binary_input = True

    def __init__(
        self,
        input_dim: int,
        max_categories: int = 1000,
        vigilance: float = 0.75,
        uncommitted_bias: float = 2.0,
        **kwargs,
    ):
        super().__init__(input_dim, max_categories, vigilance, **kwargs)
        if isinstance(uncommitted_bias, bool) or not uncommitted_bias >= 1:
            raise ValueError(
                f"`uncommitted_bias` (L) must be a number >= 1; received "
                f"uncommitted_bias={uncommitted_bias!r}."
            )
        self.uncommitted_bias = float(uncommitted_bias)

    def _encode(self, x):
        return ops.cast(x, "float32")

    def _valid_features(self, x):
        return ops.all((x == 0) | (x == 1))

    def _rule_parameters(self) -> dict:
        return {**super()._rule_parameters(), "uncommitted_bias": self.uncommitted_bias}

    @staticmethod
    def _choice_and_match(params, sample, block):
        block, sample = ops.cast(block, sum_dtype()), ops.cast(sample, sum_dtype())
        bottom_up, top_down = ops.split(block, 2, axis=1)
        overlap = ops.sum(top_down * sample, axis=1)  # |I ∧ t_j|, a whole number: exact
        # b_j = scale_j t_j, so I . b_j = scale_j |I ∧ t_j|: one rounding, ties stay ties
        return overlap * ops.max(bottom_up, axis=1), overlap / sample.shape[0]

    @staticmethod
    def _mismatch(params, samples, weights):
        """(|I| - |I ∧ t|) / |I| per row (`sum_dtype`): the share of active bits t lacks."""
        samples = ops.cast(samples, sum_dtype())
        top_down = ops.cast(weights[:, samples.shape[-1] :], sum_dtype())
        size = ops.sum(samples, axis=-1)
        return ops.divide_no_nan(size - ops.sum(samples * top_down, axis=-1), size)

    @staticmethod
    def _scaled(params, template, size):
        bias = params["uncommitted_bias"]
        scale = ops.divide_no_nan(bias, bias - 1 + size)  # 0 for L = 1 and an empty template
        return ops.cast(ops.concatenate([scale * template, template], axis=0), "float32")

    @staticmethod
    def _new_category(params, sample):
        sample = ops.cast(sample, sum_dtype())
        return ART1._scaled(params, sample, ops.cast(sample.shape[0], sum_dtype()))

    @staticmethod
    def _learned(params, sample, weight):
        top_down = ops.cast(weight[sample.shape[0] :], sum_dtype())
        template = ops.cast(sample, sum_dtype()) * top_down
        return ART1._scaled(params, template, ops.sum(template))
