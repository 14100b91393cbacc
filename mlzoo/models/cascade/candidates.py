"""The candidate pool of cascade-correlation: units trained to track the residual error."""

from __future__ import annotations

import keras
import tensorflow as tf


def residual_error(features, output_layer: keras.layers.Dense, targets):
    """E = y - t at the outputs, y = g(features W + b): dL/dz for the canonical loss of g.

    (Sigmoid with binary cross-entropy, softmax with categorical cross-entropy and
    a linear output with squared error all give this error signal.)
    """
    logits = tf.matmul(features, tf.cast(output_layer.kernel, "float32"))
    outputs = output_layer.activation(logits + tf.cast(output_layer.bias, "float32"))
    return tf.cast(outputs, "float32") - tf.cast(targets, "float32")


def correlation_sums(values, errors):
    """The sums S needs: [n, sum_p V_p, sum_p E_p, sum_p V_p E_p^T]."""
    n = tf.cast(tf.shape(values)[0], "float32")
    return [
        n,
        tf.reduce_sum(values, 0),
        tf.reduce_sum(errors, 0),
        tf.matmul(values, errors, transpose_a=True),
    ]


def covariance(sums):
    """(K, O) sum_p (V_pc - mean V_c)(E_po - mean E_o) from `correlation_sums`."""
    n, sum_v, sum_e, sum_ve = sums
    return sum_ve - sum_v[:, None] * sum_e[None, :] / n


class CandidatePool(keras.Model):
    """K candidate units V_c = f(features . v_c), each maximising (Fahlman & Lebiere 1990, eq. 1)

        S_c = sum_o | sum_p (V_pc - mean V_c)(E_po - mean E_o) |,

    with E the residual error of the frozen network; the gradient is
    dS_c/dV_pc = sum_o sign(cov_co)(E_po - mean E_o). The candidates share the
    input (the network's inputs and every installed hidden unit) but not
    weights, so training them together is K independent ascents. Under
    `tf.distribute` the sums are all-reduced first, so S is the global batch's.
    Logs `correlation` (the best candidate's S on the batch).
    """

    def __init__(self, features: keras.Model, output_layer, units: int, activation, seed=None):
        super().__init__(name="candidate_pool")
        self.features, self.output_layer = features, output_layer
        initializer = keras.initializers.RandomUniform(-1.0, 1.0, seed=seed)
        self.candidates = keras.layers.Dense(
            units,
            activation=activation,
            kernel_initializer=initializer,
            bias_initializer=keras.initializers.RandomUniform(
                -1.0, 1.0, seed=None if seed is None else seed + 1
            ),
            dtype="float32",
            name="candidates",
        )
        self.candidates.build((None, features.output.shape[-1]))
        self._correlation = keras.metrics.Mean(name="correlation")

    @property
    def metrics(self):
        return [self._correlation]

    def call(self, x):
        return self.candidates(tf.cast(self.features(x), "float32"))

    def train_step(self, data):
        x, targets = data[0], data[1]
        features = tf.cast(self.features(x), "float32")
        errors = residual_error(features, self.output_layer, targets)
        variables = self.candidates.trainable_variables
        with tf.GradientTape() as tape:
            values = self.candidates(features)
            local = correlation_sums(values, errors)
            context = tf.distribute.get_replica_context()
            sums = local
            if context is not None and context.num_replicas_in_sync > 1:
                sums = context.all_reduce("sum", local)
            sums = [tf.stop_gradient(s) for s in sums]
            cov = covariance(sums)
            centred = errors - sums[2][None, :] / sums[0]
            ascent = tf.reduce_sum(tf.matmul(values, centred, transpose_a=True) * tf.sign(cov))
            loss = -ascent / sums[0]
        self.optimizer.apply(tape.gradient(loss, variables), variables)
        self._correlation.update_state(tf.reduce_max(tf.reduce_sum(tf.abs(cov), 1)))
        return {"correlation": self._correlation.result()}

    def correlations(self, dataset) -> tf.Tensor:
        """S_c of every candidate over the whole `dataset` of (x, targets) batches."""
        total = None
        for x, targets in dataset:
            features = tf.cast(self.features(x), "float32")
            errors = residual_error(features, self.output_layer, targets)
            sums = correlation_sums(self.candidates(features), errors)
            total = sums if total is None else [a + b for a, b in zip(total, sums, strict=True)]
        return tf.reduce_sum(tf.abs(covariance(total)), 1)
