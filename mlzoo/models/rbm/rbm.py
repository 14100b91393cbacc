"""Restricted Boltzmann machine as a `keras.Model` trained by CD-k or persistent CD."""

from __future__ import annotations

import numbers

import keras
import numpy as np
import tensorflow as tf

from mlzoo._checks import check_array, check_positive_int, check_spec
from mlzoo.models._checked_inputs import CheckedInputs
from mlzoo.models._training import add_state_weight, batch_features
from mlzoo.models._unsupervised import CompilesOnDemand, reject_labels
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
    stream_key,
)

BERNOULLI_HINT = (
    " Bernoulli visible units take binary data or probabilities in [0, 1]: scale first (e.g. "
    "mlzoo.datasets.load(..., scale=True)), or use visible_type='gaussian' for real values."
)


@keras.saving.register_keras_serializable(package="mlzoo")
class RBM(CompilesOnDemand, CheckedInputs, keras.Model):
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
    optimizer applies -dW, -db, -dc as gradients: `SGD(learning_rate)` (the
    default) gives W += learning_rate dW, and with `persistent=True, k=1,
    persistent_chains=batch_size` this is exactly
    `sklearn.neural_network.BernoulliRBM`'s update.

    `fit(x)` takes no labels and logs `reconstruction_error` (mean squared
    difference of v and E[v | h = P(h | v)], per unit) and, for Bernoulli
    visibles, `pseudo_log_likelihood` (sklearn's one-flip estimator, see
    `energy.pseudo_log_likelihood`), both on each batch before its update;
    `evaluate(x)` gives both for the current model. `predict(x)` / `transform(x)`
    / calling the model give P(h = 1 | v): the RBM is a feature extractor.

    Random numbers are counter-based, keyed by (seed, step): under
    `tf.distribute` each replica takes its rows of the draw over the global
    batch and the statistics are summed over replicas (the optimizer's
    all-reduce), so 2 replicas do exactly what one device does on the global
    batch. Persistent chains are split evenly over the replicas (each runs
    persistent_chains / replicas of them) and gathered back after every step.
    All state (weights, chains, step) lives in variables, so `steps_per_execution`
    changes nothing. The model computes in float32 under any global dtype policy.

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

    Example:

    >>> import keras, mlzoo
    >>> from mlzoo.models.rbm import RBM
    >>> (x, _), (x_test, _) = mlzoo.datasets.load("digits", scale=True)
    >>> x, x_test = (x > 0.5).astype("float32"), (x_test > 0.5).astype("float32")
    >>> rbm = RBM(64, 100, persistent=True, persistent_chains=10, seed=0)
    >>> rbm.compile(optimizer=keras.optimizers.SGD(0.06))
    >>> history = rbm.fit(x, epochs=20, batch_size=10, verbose=0)
    >>> features = rbm.transform(x_test)                 # (575, 100) P(h = 1 | v)
    >>> fantasies = rbm.sample(16, gibbs_steps=1000)      # (16, 64) E[v | h]
    """

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
        visible, hidden = (
            check_positive_int("visible", visible),
            check_positive_int("hidden", hidden),
        )
        if visible_type not in VISIBLE_TYPES:
            raise ValueError(
                f"`visible_type` must be one of {VISIBLE_TYPES}; received "
                f"visible_type={visible_type!r}."
            )
        k = check_positive_int("k", k)
        if not isinstance(persistent, (bool, np.bool_)):
            raise ValueError(f"`persistent` must be True or False; received {persistent!r}.")
        persistent_chains = check_positive_int("persistent_chains", persistent_chains)
        if isinstance(weight_scale, bool) or not (
            isinstance(weight_scale, numbers.Real) and 0 < weight_scale < np.inf
        ):
            raise ValueError(
                f"`weight_scale` must be a positive number; received weight_scale={weight_scale!r}."
            )
        if seed is None:
            seed = int(np.random.randint(0, 2**31 - 1))
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
            raise ValueError(f"`seed` must be a non-negative integer or None; received {seed!r}.")
        self._config = {
            "visible": visible,
            "hidden": hidden,
            "visible_type": visible_type,
            "k": k,
            "persistent": bool(persistent),
            "persistent_chains": persistent_chains,
            "weight_scale": float(weight_scale),
            "seed": int(seed),
        }
        self.kernel = self.add_weight(
            shape=(visible, hidden),
            initializer=keras.initializers.RandomNormal(stddev=weight_scale, seed=int(seed)),
            dtype="float32",
            autocast=False,
            name="kernel",
        )
        self.visible_bias = self.add_weight(
            shape=(visible,),
            initializer="zeros",
            dtype="float32",
            autocast=False,
            name="visible_bias",
        )
        self.hidden_bias = self.add_weight(
            shape=(hidden,),
            initializer="zeros",
            dtype="float32",
            autocast=False,
            name="hidden_bias",
        )
        self.step = add_state_weight(self, "step", (), "int64")
        if persistent:
            self.chains = add_state_weight(self, "persistent_chains", (persistent_chains, hidden))
        self._reconstruction_tracker = keras.metrics.Mean(name="reconstruction_error")
        self._pll_tracker = keras.metrics.Mean(name="pseudo_log_likelihood")
        self.built = True

    def get_config(self) -> dict:
        return {**super().get_config(), **self._config}

    @property
    def metrics(self):
        if self._config["visible_type"] == "gaussian":
            return [self._reconstruction_tracker]
        return [self._reconstruction_tracker, self._pll_tracker]

    def call(self, inputs):
        """P(h = 1 | v) of each row: (N, hidden), float32."""
        return hidden_probabilities(
            keras.ops.cast(inputs, "float32"), self.kernel, self.hidden_bias
        )

    # -- training -----------------------------------------------------------------------
    def train_step(self, data):
        v = batch_features(data)
        seed = self._config["seed"]
        context = tf.distribute.get_replica_context()
        share = _replica_share(context, tf.shape(v)[0])
        step = self.step.value
        hidden_input = tf.matmul(v, self.kernel) + self.hidden_bias
        h_data = tf.sigmoid(hidden_input)
        logs = self._measure(v, h_data, hidden_input, share, stream_key(seed, step, FLIPPED))
        chains, h_start = self._chain_start(context, share, h_data, step)
        v_model, h_model, h_last = self._negative_phase(h_start, chains, step)
        data_count = tf.cast(share.total, "float32")
        model_count = tf.cast(chains.total, "float32")
        # -(the CD statistics) averaged over the global batch, as this replica's share of a
        # loss gradient: the optimizer sums the shares of all replicas, then steps downhill
        gradients = [
            tf.matmul(v_model, h_model, transpose_a=True) / model_count
            - tf.matmul(v, h_data, transpose_a=True) / data_count,
            tf.reduce_sum(v_model, 0) / model_count - tf.reduce_sum(v, 0) / data_count,
            tf.reduce_sum(h_model, 0) / model_count - tf.reduce_sum(h_data, 0) / data_count,
        ]
        self.optimizer.apply_gradients(
            zip(gradients, [self.kernel, self.visible_bias, self.hidden_bias], strict=True)
        )
        if self._config["persistent"]:
            if context is not None and context.num_replicas_in_sync > 1:
                h_last = context.all_gather(h_last, axis=0)
            self.chains.assign(h_last)
        self.step.assign_add(1)
        return logs

    def _chain_start(self, context, share: RowSlice, h_data, step):
        """This replica's negative chains and their hidden start.

        PCD: its equal share of the persistent chains; CD: h ~ P(h | v) of its data rows.
        """
        if not self._config["persistent"]:
            key = stream_key(self._config["seed"], step, START)
            return share, bernoulli(h_data, share.uniform(key, h_data.shape[-1]))
        total = self._config["persistent_chains"]
        replicas = 1 if context is None else context.num_replicas_in_sync
        per_replica = total // replicas
        first = 0 if replicas == 1 else context.replica_id_in_sync_group * per_replica
        return RowSlice(per_replica, first, total), self.chains.value[first : first + per_replica]

    def _negative_phase(self, h, chains: RowSlice, step):
        """k Gibbs steps h -> v -> h: the last visible sample, P(h | v) and (PCD) h sample."""
        config = self._config
        seed, hidden = config["seed"], config["hidden"]
        h_last = None
        for t in range(config["k"]):
            mean = visible_mean(h, self.kernel, self.visible_bias, config["visible_type"])
            v = sample_visible(
                mean, chains, stream_key(seed, step, VISIBLE + 2 * t), config["visible_type"]
            )
            probabilities = hidden_probabilities(v, self.kernel, self.hidden_bias)
            if t < config["k"] - 1 or config["persistent"]:
                h_last = bernoulli(
                    probabilities, chains.uniform(stream_key(seed, step, HIDDEN + 2 * t), hidden)
                )
                h = h_last
        return v, probabilities, h_last

    def _measure(self, v, h_data, hidden_input, share: RowSlice, key) -> dict:
        """Update and return reconstruction error and (Bernoulli) pseudo-log-likelihood."""
        config = self._config
        mean = visible_mean(h_data, self.kernel, self.visible_bias, config["visible_type"])
        self._reconstruction_tracker.update_state(tf.reduce_mean(tf.square(v - mean), axis=-1))
        if config["visible_type"] == "bernoulli":
            flipped = share.index(key, config["visible"])
            self._pll_tracker.update_state(
                pseudo_log_likelihood(
                    v, flipped, self.kernel, self.visible_bias, self.hidden_bias, hidden_input
                )
            )
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        v = batch_features(data)
        share = _replica_share(tf.distribute.get_replica_context(), tf.shape(v)[0])
        hidden_input = tf.matmul(v, self.kernel) + self.hidden_bias
        key = stream_key(self._config["seed"], self.step.value, FLIPPED + 1)
        return self._measure(v, tf.sigmoid(hidden_input), hidden_input, share, key)

    def compile(
        self, optimizer=None, steps_per_execution: int = 1, jit_compile="auto", **kwargs
    ) -> None:
        """The optimizer applies the CD statistics (default `SGD(0.1)`, sklearn's rate); no loss."""
        if kwargs.get("loss") is not None:
            raise ValueError(
                "RBM trains by contrastive divergence and takes no loss; received "
                f"loss={kwargs['loss']!r}."
            )
        kwargs["auto_scale_loss"] = False  # the statistics are not a scaled loss's gradient
        optimizer = keras.optimizers.get(
            keras.optimizers.SGD(0.1) if optimizer is None else optimizer
        )
        super().compile(
            optimizer=optimizer,
            steps_per_execution=steps_per_execution,
            jit_compile=jit_compile,
            **kwargs,
        )
        self._rbm_compile_config = {
            "optimizer": keras.optimizers.serialize(optimizer),
            "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile,
        }

    def get_compile_config(self) -> dict | None:
        return getattr(self, "_rbm_compile_config", None)

    def compile_from_config(self, config: dict) -> None:
        config = dict(config)
        self.compile(optimizer=keras.optimizers.deserialize(config.pop("optimizer")), **config)
        self.optimizer.build(self.trainable_variables)

    def fit(self, x=None, y=None, *args, validation_data=None, **kwargs):
        """Train on unlabelled `x` (array or `tf.data`); compiles with `SGD(0.1)` if needed."""
        replicas = self.distribute_strategy.num_replicas_in_sync
        chains = self._config["persistent_chains"]
        if self._config["persistent"] and chains % replicas:
            raise ValueError(
                f"`persistent_chains`={chains} must be a multiple of the {replicas} replicas "
                "of the distribution strategy (each replica runs an equal share of the chains)."
            )
        if validation_data is not None and not isinstance(validation_data, (tuple, list)):
            self._check_xy(validation_data, None, "validation")
        return super().fit(x, y, *args, validation_data=validation_data, **kwargs)

    def _check_xy(self, x, y, where: str) -> None:
        reject_labels("RBM", y, where)
        name, visible = f"{where} x", self._config["visible"]
        if isinstance(x, tf.data.Dataset):
            spec = x.element_spec
            check_spec(name, spec[0] if isinstance(spec, tuple) else spec, last_dim=visible)
            return
        bernoulli_units = self._config["visible_type"] == "bernoulli"
        check_array(
            name,
            x,
            last_dim=visible,
            value_range=(0.0, 1.0) if bernoulli_units else None,
            hint=BERNOULLI_HINT if bernoulli_units else "",
        )

    # -- using the model ------------------------------------------------------------------
    def transform(self, x, batch_size: int = 1024) -> np.ndarray:
        """Hidden probabilities P(h = 1 | v): (N, hidden), like `BernoulliRBM.transform`."""
        return self.predict(x, batch_size=batch_size, verbose=0)

    def reconstruct(self, x, batch_size: int = 1024) -> np.ndarray:
        """Mean-field reconstruction E[v | h = P(h | v)]: (N, visible)."""
        h = self.transform(x, batch_size)
        mean = visible_mean(h, self.kernel, self.visible_bias, self._config["visible_type"])
        return keras.ops.convert_to_numpy(mean)

    def sample(self, n: int, gibbs_steps: int = 1000, seed: int = 0) -> np.ndarray:
        """`n` fantasies: E[v | h] after `gibbs_steps` steps h -> v -> h from h ~ Bernoulli(1/2).

        Returns (n, visible) visible means (probabilities for Bernoulli units).
        """
        n = check_positive_int("n", n)
        gibbs_steps = check_positive_int("gibbs_steps", gibbs_steps)
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise ValueError(f"`seed` must be an integer; received seed={seed!r}.")
        return keras.ops.convert_to_numpy(
            self._gibbs_sweeps(tf.constant(n), tf.constant(gibbs_steps), tf.constant(seed))
        )

    @tf.function
    def _gibbs_sweeps(self, n, gibbs_steps, seed):
        config = self._config
        chains = RowSlice(n)
        h = bernoulli(
            tf.fill([n, config["hidden"]], 0.5),
            chains.uniform(stream_key(seed, 0, START), config["hidden"]),
        )
        for t in tf.range(gibbs_steps):
            mean = visible_mean(h, self.kernel, self.visible_bias, config["visible_type"])
            v = sample_visible(mean, chains, stream_key(seed, t, VISIBLE), config["visible_type"])
            h = bernoulli(
                hidden_probabilities(v, self.kernel, self.hidden_bias),
                chains.uniform(stream_key(seed, t, HIDDEN), config["hidden"]),
            )
        return visible_mean(h, self.kernel, self.visible_bias, config["visible_type"])


def _replica_share(context, rows) -> RowSlice:
    """This replica's rows of the global batch (all rows outside `tf.distribute`)."""
    if context is None or context.num_replicas_in_sync == 1:
        return RowSlice(rows)
    sizes = context.all_gather(tf.reshape(rows, [1]), axis=0)
    replica = context.replica_id_in_sync_group
    return RowSlice(rows, tf.reduce_sum(sizes[:replica]), tf.reduce_sum(sizes))
