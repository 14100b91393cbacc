"""Restricted Boltzmann machine as a `keras.Model` trained by CD-k or persistent CD."""

from __future__ import annotations

import numbers

import keras
import numpy as np
from keras import ops

from mlzoo._checks import check_choice, check_positive, check_positive_int, check_values
from mlzoo.models._training import (
    add_state_weight,
    batch_and_weights,
    num_replicas,
    replica_gather,
    replica_rows,
    replica_sum,
)
from mlzoo.models.rbm.energy import (
    VISIBLE_TYPES,
    hidden_probabilities,
    pseudo_log_likelihood,
    visible_mean,
)
from mlzoo.models.rbm.sampling import (
    FLIPPED,
    HIDDEN,
    START,
    VISIBLE,
    RowSlice,
    bernoulli,
    sample_visible,
    step_seed,
    stream_key,
)
from mlzoo.models.registry import register
from mlzoo.models.zoo_model import ZooModel

BERNOULLI_HINT = (
    " Bernoulli visible units take binary data or probabilities in [0, 1]: scale first (e.g. "
    "mlzoo.datasets.load(..., scale=True)), or use visible_type='gaussian' for real values."
)


@register("rbm")
@keras.saving.register_keras_serializable(package="mlzoo")
class RBM(ZooModel):
    """A restricted Boltzmann machine with `visible` and `hidden` units (Hinton et al. 2006).

    Energy (see `mlzoo.models.rbm.energy`), W of shape (visible, hidden):

        E(v, h) = -b^T v - c^T h - v^T W h                 (visible_type="bernoulli")
        E(v, h) = ||v - b||^2 / 2 - c^T h - v^T W h        (visible_type="gaussian", unit variance)

    Each training batch takes one step along the CD-k estimate of the
    log-likelihood gradient,

        dW = <v h^T>_data - <v h^T>_model,   db = <v>_data - <v>_model,
        dc = <h>_data - <h>_model,

    with <.>_data the batch mean over v and P(h | v) and <.>_model the mean over
    the chains' visible samples and P(h | v) after k Gibbs steps. CD-k
    (`persistent=False`) starts each chain from h ~ P(h | v) of its data row;
    persistent CD (`persistent=True`, Tieleman 2008) continues
    `persistent_chains` chains from the previous step's hidden samples. The
    optimizer applies -dW, -db, -dc as gradients: `SGD(0.1)` (the default;
    sklearn's rate) gives W += 0.1 dW, and with `persistent=True, k=1,
    persistent_chains=batch_size` this is exactly
    `sklearn.neural_network.BernoulliRBM`'s update. `compile` takes no loss.

    `sample_weight` s_b weights each sample's share of the statistics as Keras
    weights a loss, sum_b s_b g_b / N over the N rows of a batch: CD-k weights
    row b's positive and negative terms by s_b; persistent CD weights the
    positive terms by s_b and the chains' term by mean_b s_b. Weight 0 for
    every row gives a zero gradient.

    `fit(x)` takes no labels and logs `loss` and `reconstruction_error` (both
    the mean squared difference of v and E[v | h = P(h | v)], per unit; lower is
    better) and, for Bernoulli visibles, `pseudo_log_likelihood` (sklearn's
    one-flip estimator, see `energy.pseudo_log_likelihood`; higher is better),
    each on each batch before its update; Keras' monitors read their direction
    in mode "auto". `evaluate(x)` gives them for the current model.
    `predict(x)` / `transform(x)` / calling the model give P(h = 1 | v): the
    RBM is a feature extractor.

    Random numbers are counter-based, keyed by (seed, step), and the same on
    TensorFlow and JAX (TensorFlow's Philox stream, see `sampling`): under
    `tf.distribute` each replica takes its rows of the draw over the global
    batch and the statistics are summed over replicas (the optimizer's
    all-reduce), so 2 replicas do exactly what one device does on the global
    batch. Persistent chains are split evenly over the replicas (each runs
    persistent_chains / replicas of them) and gathered back after every step.
    On JAX a `keras.distribution.DataParallel` step sees the whole batch.
    All state (weights, chains, step) lives in variables, so `steps_per_execution`
    changes nothing and `BackupAndRestore` resumes exactly. The model computes in
    float32 under any global dtype policy.

    Args:
        visible: D, number of visible units.
        hidden: H, number of hidden units.
        visible_type: "bernoulli" (data in [0, 1]) or "gaussian" (real data,
            best standardised: the visible variance is fixed at 1).
        k: Gibbs steps per update (CD-k / PCD-k).
        persistent: persistent CD instead of CD-k.
        persistent_chains: number of persistent chains (a multiple of the
            number of replicas); sklearn uses one per sample of a batch.
        weight_scale: standard deviation of the initial N(0, s^2) weights
            (biases start at 0), sklearn's 0.01 by default.
        seed: seed of the initial weights and of the Gibbs sampling (None: drawn
            from numpy's global generator, then stored in the config).
        **kwargs: `keras.Model` arguments (`name`).

    Examples:
        >>> import keras, mlzoo
        >>> (x, _), (x_test, _) = mlzoo.datasets.load("digits", scale=True)
        >>> x, x_test = (x > 0.5).astype("float32"), (x_test > 0.5).astype("float32")
        >>> rbm = mlzoo.RBM(64, 100, persistent=True, persistent_chains=10, seed=0)
        >>> rbm.compile(optimizer=keras.optimizers.SGD(0.06))
        >>> history = rbm.fit(x, epochs=20, batch_size=10, verbose=0)
        >>> features = rbm.transform(x_test)                 # (575, 100) P(h = 1 | v)
        >>> fantasies = rbm.sample(16, gibbs_steps=1000)      # (16, 64) E[v | h]
    """

    uses_loss = False
    supervised = False

    def __init__(
        self,
        visible: int,
        hidden: int,
        visible_type: str = "bernoulli",
        k: int = 1,
        persistent: bool = False,
        persistent_chains: int = 100,
        weight_scale: float = 0.01,
        seed: int | None = None,
        **kwargs,
    ):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.visible = check_positive_int("visible", visible)
        self.hidden = check_positive_int("hidden", hidden)
        check_choice("visible_type", visible_type, VISIBLE_TYPES)
        self.visible_type = visible_type
        self.k = check_positive_int("k", k)
        if not isinstance(persistent, (bool, np.bool_)):
            raise ValueError(f"`persistent` must be True or False; received {persistent!r}.")
        self.persistent = bool(persistent)
        self.persistent_chains = check_positive_int("persistent_chains", persistent_chains)
        check_positive("weight_scale", weight_scale)
        if seed is None:
            seed = int(np.random.randint(0, 2**31 - 1))
            self._constructor_args["seed"] = seed  # the drawn seed goes into the config
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
            raise ValueError(f"`seed` must be a non-negative integer or None; received {seed!r}.")
        self.seed = int(seed)
        self.kernel = self.add_weight(
            shape=(self.visible, self.hidden),
            initializer=_KernelInitializer(weight_scale, self.seed),
            dtype="float32",
            autocast=False,
            name="kernel",
        )
        self.visible_bias = self.add_weight(
            shape=(self.visible,),
            initializer="zeros",
            dtype="float32",
            autocast=False,
            name="visible_bias",
        )
        self.hidden_bias = self.add_weight(
            shape=(self.hidden,),
            initializer="zeros",
            dtype="float32",
            autocast=False,
            name="hidden_bias",
        )
        self.step = add_state_weight(self, "step", (), "int64")
        if self.persistent:
            self.chains = add_state_weight(
                self, "persistent_chains", (self.persistent_chains, self.hidden)
            )
        self._loss_mean = self.add_tracker("loss", "min")
        self._reconstruction_mean = self.add_tracker("reconstruction_error", "min")
        if self.visible_type == "bernoulli":
            self._pll_mean = self.add_tracker("pseudo_log_likelihood", "max")
        self.built = True

    @property
    def feature_shape(self) -> tuple:
        return (self.visible,)

    def compile_defaults(self) -> dict:
        """`SGD(0.1)`, sklearn's rate: the optimizer applies the CD statistics."""
        return {"optimizer": keras.optimizers.SGD(0.1)}

    def configure_compile(self, args: dict) -> dict:
        # the statistics are not a loss's gradient: no mixed-precision loss scaling
        return {**args, "auto_scale_loss": False}

    def check_data(self, x, y, where: str) -> None:
        """Bernoulli visibles take values in [0, 1] (arrays; a dataset's values are not read)."""
        if self.visible_type == "bernoulli" and isinstance(x, np.ndarray):
            check_values(f"{where} x", x, value_range=(0.0, 1.0), hint=BERNOULLI_HINT)

    def call(self, inputs):
        """P(h = 1 | v) of each row: (N, hidden), float32."""
        return hidden_probabilities(ops.cast(inputs, "float32"), self.kernel, self.hidden_bias)

    # -- training -----------------------------------------------------------------------
    def train_step(self, data):
        v, weights = batch_and_weights(data)
        share = _replica_share(ops.shape(v)[0])
        seed = step_seed(self.seed, self.step.value)
        hidden_input = ops.matmul(v, self.kernel) + self.hidden_bias
        h_data = ops.sigmoid(hidden_input)
        key = stream_key(seed, FLIPPED)
        logs = self._measure(v, h_data, hidden_input, share, key, weights)
        chains, h_start = self._chain_start(share, h_data, seed)
        v_model, h_model, h_last = self._negative_phase(h_start, chains, seed)
        data_count = ops.cast(share.total, "float32")
        model_count = ops.cast(chains.total, "float32")
        positive = _statistics(v, h_data, weights)
        if self.persistent:
            negative = _statistics(v_model, h_model, None)
            if weights is not None:  # the chains weigh as much as the batch's mean weight
                total = replica_sum(ops.sum(weights))
                negative = [term * (total / data_count) for term in negative]
        else:
            negative = _statistics(v_model, h_model, weights)
        # -(the CD statistics) averaged over the global batch, as this replica's share of a
        # loss gradient: the optimizer sums the shares of all replicas, then steps downhill
        gradients = [
            model / model_count - data / data_count
            for model, data in zip(negative, positive, strict=True)
        ]
        self.optimizer.apply(gradients, [self.kernel, self.visible_bias, self.hidden_bias])
        if self.persistent:
            self.chains.assign(replica_gather(h_last))
        self.step.assign_add(1)
        return logs

    def _chain_start(self, share: RowSlice, h_data, seed):
        """This replica's negative chains and their hidden start.

        PCD: its equal share of the persistent chains; CD: h ~ P(h | v) of its data rows.
        """
        if not self.persistent:
            key = stream_key(seed, START)
            return share, bernoulli(h_data, share.uniform(key, h_data.shape[-1]))
        chains = _replica_share(self.persistent_chains // num_replicas())
        return chains, self.chains.value[chains.offset : chains.offset + chains.rows]

    def _negative_phase(self, h, chains: RowSlice, seed):
        """k Gibbs steps h -> v -> h: the last visible sample, P(h | v) and (PCD) h sample."""
        h_last = None
        for t in range(self.k):
            mean = visible_mean(h, self.kernel, self.visible_bias, self.visible_type)
            v = sample_visible(mean, chains, stream_key(seed, VISIBLE + 2 * t), self.visible_type)
            probabilities = hidden_probabilities(v, self.kernel, self.hidden_bias)
            if t < self.k - 1 or self.persistent:
                h_last = bernoulli(
                    probabilities,
                    chains.uniform(stream_key(seed, HIDDEN + 2 * t), self.hidden),
                )
                h = h_last
        return v, probabilities, h_last

    def _measure(self, v, h_data, hidden_input, share: RowSlice, key, weights) -> dict:
        """Update and return the losses and (Bernoulli) the pseudo-log-likelihood."""
        mean = visible_mean(h_data, self.kernel, self.visible_bias, self.visible_type)
        error = ops.mean(ops.square(v - mean), axis=-1)
        self._loss_mean.update_state(error, sample_weight=weights)
        self._reconstruction_mean.update_state(error, sample_weight=weights)
        if self.visible_type == "bernoulli":
            flipped = share.index(key, self.visible)
            self._pll_mean.update_state(
                pseudo_log_likelihood(
                    v, flipped, self.kernel, self.visible_bias, self.hidden_bias, hidden_input
                ),
                sample_weight=weights,
            )
        return self.get_metrics_result()

    def test_step(self, data):
        v, weights = batch_and_weights(data)
        share = _replica_share(ops.shape(v)[0])
        hidden_input = ops.matmul(v, self.kernel) + self.hidden_bias
        key = stream_key(step_seed(self.seed, self.step.value), FLIPPED + 1)
        return self._measure(v, ops.sigmoid(hidden_input), hidden_input, share, key, weights)

    def fit(self, x=None, y=None, *args, **kwargs):
        """Train on unlabelled `x` (array or `tf.data`); compiles with `SGD(0.1)` if needed."""
        strategy = getattr(self, "distribute_strategy", None)  # TensorFlow's trainer only
        replicas = 1 if strategy is None else strategy.num_replicas_in_sync
        if self.persistent and self.persistent_chains % replicas:
            raise ValueError(
                f"`persistent_chains`={self.persistent_chains} must be a multiple of the "
                f"{replicas} replicas of the distribution strategy (each replica runs an equal "
                "share of the chains)."
            )
        return super().fit(x, y, *args, **kwargs)

    # -- using the model ------------------------------------------------------------------
    def transform(self, x, batch_size: int = 1024) -> np.ndarray:
        """Hidden probabilities P(h = 1 | v): (N, hidden), like `BernoulliRBM.transform`."""
        return self.predict(x, batch_size=batch_size, verbose=0)

    def reconstruct(self, x, batch_size: int = 1024) -> np.ndarray:
        """Mean-field reconstruction E[v | h = P(h | v)]: (N, visible)."""
        h = self.transform(x, batch_size)
        mean = visible_mean(h, self.kernel, self.visible_bias, self.visible_type)
        return ops.convert_to_numpy(mean)

    def sample(self, n: int, gibbs_steps: int = 1000, seed: int = 0) -> np.ndarray:
        """`n` fantasies: E[v | h] after `gibbs_steps` steps h -> v -> h from h ~ Bernoulli(1/2).

        Returns (n, visible) visible means (probabilities for Bernoulli units).
        """
        n = check_positive_int("n", n)
        gibbs_steps = check_positive_int("gibbs_steps", gibbs_steps)
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise ValueError(f"`seed` must be an integer; received seed={seed!r}.")
        chains = RowSlice(n)

        def sweep(t, h):
            sweep_seed = step_seed(seed, t)
            mean = visible_mean(h, self.kernel, self.visible_bias, self.visible_type)
            v = sample_visible(mean, chains, stream_key(sweep_seed, VISIBLE), self.visible_type)
            return bernoulli(
                hidden_probabilities(v, self.kernel, self.hidden_bias),
                chains.uniform(stream_key(sweep_seed, HIDDEN), self.hidden),
            )

        start = chains.uniform(stream_key(step_seed(seed, 0), START), self.hidden)
        h = ops.fori_loop(0, gibbs_steps, sweep, bernoulli(ops.full_like(start, 0.5), start))
        mean = visible_mean(h, self.kernel, self.visible_bias, self.visible_type)
        return ops.convert_to_numpy(mean)


class _KernelInitializer(keras.initializers.Initializer):
    """W ~ N(0, s^2): Keras' `RandomNormal(stddev=s, seed=seed)` on TensorFlow, on every backend.

    The draw is TensorFlow's stateless normal under the seed (seed, 0) that Keras'
    TensorFlow backend makes of an integer seed, so a seed gives one RBM on all backends.
    """

    def __init__(self, stddev: float, seed: int):
        self.stddev, self.seed = stddev, seed

    def __call__(self, shape, dtype=None):
        key = (self.seed % (2**31 - 2), 0)  # Keras' TensorFlow seed cast (floormod)
        return RowSlice(shape[0]).normal(key, shape[1]) * self.stddev

    def get_config(self) -> dict:
        return {"stddev": self.stddev, "seed": self.seed}


def _replica_share(rows) -> RowSlice:
    """This replica's rows of a global batch of draws (all of them outside `tf.distribute`)."""
    return RowSlice(rows, *replica_rows(rows))


def _statistics(v, h, weights):
    """Sums over rows of v h^T, v and h, each row weighted by `weights` when given."""
    weighted = v if weights is None else v * weights[:, None]
    h_sum = h if weights is None else h * weights[:, None]
    return [
        ops.matmul(ops.transpose(weighted), h),
        ops.sum(weighted, 0),
        ops.sum(h_sum, 0),
    ]
