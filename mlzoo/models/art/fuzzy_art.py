"""Fuzzy ART (Carpenter, Grossberg & Rosen 1991): clustering of analog features in [0, 1]."""

from __future__ import annotations

import keras
from keras import ops

from mlzoo._checks import check_fraction, check_non_negative
from mlzoo.models.art._base import ARTModel
from mlzoo.models.art._search import sum_dtype
from mlzoo.models.art.complement import complement_code
from mlzoo.models.registry import register


@register("fuzzy_art")
@keras.saving.register_keras_serializable(package="mlzoo")
class FuzzyART(ARTModel):
    """Fuzzy ART with complement coding I = (a, 1 - a) (Carpenter, Grossberg & Rosen 1991).

    For each sample, in order, with ∧ the fuzzy AND (element-wise min) and |.| the L1 norm:

        choice     T_j = |I ∧ w_j| / (alpha + |w_j|)
        match      M_j = |I ∧ w_j| / |I|          (|I| = input_dim under complement coding)
        resonance  J = argmax_j T_j over committed j with M_j >= rho (ties: lowest j)
        learning   w_J <- beta (I ∧ w_J) + (1 - beta) w_J
        no J       commit category n_categories with w = I (fast commit)

    `fit` presents the samples in the given order (`shuffle=False` unless
    asked) and logs

        loss        mean of 1 - |I ∧ w_J| / |I| over the samples, w_J before
                    learning the sample (1 when it commits: no category coded it);
                    evaluate/validation: J = the predicted category, current weights
        categories  n_categories (direction "max": EarlyStopping(monitor=
                    "categories", patience=1) stops once an epoch commits none)

    and takes no `sample_weight` (a resonance rule has no step size to
    weight). `predict` gives each sample's category,
    argmax_j T_j over the committed categories (no vigilance, as artlib's
    `predict`). Sums run in float64 over the float32 weights, so with fast
    learning the categories and weights equal those of artlib's
    `FuzzyART(rho, alpha, beta)` fitted on `complement_code(x)` in the same
    order (on JAX without `jax_enable_x64` the sums run in float32: equal
    within float tolerance). Features outside [0, 1] raise a `ValueError` (scale them first).

    Args:
        input_dim: d, features per sample, each in [0, 1].
        max_categories: capacity; `fit` raises a `ValueError` when a sample
            needs one more category.
        vigilance: rho in [0, 1]; higher gives more, smaller categories.
        choice: alpha >= 0, the choice parameter (small favours larger |I ∧ w_j|).
        learning_rate: beta in (0, 1]; 1 is fast learning.
        **kwargs: `keras.Model` arguments (`name`).

    Input shape `(N, input_dim)`; `predict` output `(N,)` int32 categories.

    Examples:
        >>> import mlzoo
        >>> (x, _), (x_test, _) = mlzoo.datasets.load("digits", scale=True)
        >>> model = FuzzyART(64, max_categories=500, vigilance=0.75)
        >>> model.compile()
        >>> history = model.fit(x, batch_size=256, verbose=0)   # logs `loss`, `categories`
        >>> categories = model.predict(x_test, verbose=0)       # (575,) in [0, n_categories)
    """

    def __init__(
        self,
        input_dim: int,
        max_categories: int = 1000,
        vigilance: float = 0.75,
        choice: float = 0.001,
        learning_rate: float = 1.0,
        **kwargs,
    ):
        super().__init__(input_dim, max_categories, vigilance, **kwargs)
        self.choice = check_non_negative("choice", choice)
        self.learning_rate = check_fraction("learning_rate", learning_rate)
        if self.learning_rate == 0:
            raise ValueError("`learning_rate` must be in (0, 1]; received learning_rate=0.")

    def _encode(self, x):
        return complement_code(ops.cast(x, "float32"))

    def _valid_features(self, x):
        return ops.all((x >= 0) & (x <= 1))  # False for NaN too

    def _rule_parameters(self) -> dict:
        return {**super()._rule_parameters(), "choice": self.choice, "beta": self.learning_rate}

    @staticmethod
    def _choice_and_match(params, sample, block):
        # float64 sums of float32 values are exact here: order-free, equal to artlib's.
        block, sample = ops.cast(block, sum_dtype()), ops.cast(sample, sum_dtype())
        overlap = ops.sum(ops.minimum(sample, block), axis=1)
        size = ops.sum(block, axis=1)
        return overlap / (params["choice"] + size), overlap / (sample.shape[0] // 2)

    @staticmethod
    def _mismatch(params, samples, weights):
        """1 - |I ∧ w| / |I| per row (`sum_dtype`); |I| = input_dim under complement coding."""
        samples, weights = ops.cast(samples, sum_dtype()), ops.cast(weights, sum_dtype())
        overlap = ops.sum(ops.minimum(samples, weights), axis=-1)
        return 1 - overlap / (samples.shape[-1] // 2)

    @staticmethod
    def _new_category(params, sample):
        return sample

    @staticmethod
    def _learned(params, sample, weight):
        beta, weight = params["beta"], ops.cast(weight, sum_dtype())
        learned = beta * ops.minimum(ops.cast(sample, sum_dtype()), weight) + (1 - beta) * weight
        return ops.cast(learned, "float32")
