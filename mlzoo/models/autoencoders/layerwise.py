"""One stage of greedy layer-wise pre-training: a tied denoising autoencoder around one layer."""

from __future__ import annotations

import math

import keras
from keras import ops

from mlzoo.layers.max_pool_sparsify import MaxPoolSparsify
from mlzoo.layers.tied_conv2d_transpose import TiedConv2DTranspose
from mlzoo.layers.tied_transpose_dense import TiedTransposeDense
from mlzoo.losses.foreground_weighted_mse import ForegroundWeightedMSE, pack_foreground_target
from mlzoo.models._training import apply_gradients, unscaled, value_and_gradients
from mlzoo.models.zoo_model import ZooModel


class LayerwiseAutoencoder(ZooModel):
    """Tied denoising autoencoder around `encoder`, with the thesis's saliency terms.

    For the stage's input v = feed(x) (the frozen layers below, section 2.2.3):

        h  = encoder(noise(v)),  r = decoder(h)       (decoder = encoder^T, tied)
        objective = Delta(r, v) + lambda ||head(h) - T||^2 + aux objective

    - Delta: squared error, or `ForegroundWeightedMSE` (section 2.3.2.1) when
      `foreground_eps` is set — ||S~ (.) (r - v)||^2 with the saliency map S.
    - Saliency reconstruction (section 2.3.2.2, eq. of figure 2-27/2-28): a
      `SaliencyReconstructionHead` decodes h into the target T: the map S
      itself, or `saliency_target(S)` (the auxiliary stack's layer below, in the
      dual-path autoencoder).
    - `auxiliary`: the dual-path model's auxiliary stage on the saliency maps,
      trained alongside (its parameters are independent; its loss adds).
    - Convolutional encoders decode (image and saliency) from the max-pooling
      sparse code of h (section 3.2.2.2) when `sparse_pool` is set; the image
      through the flipped kernels (`TiedConv2DTranspose`, section 3.2.2.1).

    Only the stage's own weights train (encoder, decoder bias, head, auxiliary);
    the feed is frozen. Data: `x` images, `y` the saliency maps (N, H, W) when a
    saliency term is used. Logs `loss` (the objective / dim(v), plus weight
    penalties), and per-element means `reconstruction_loss` and, when used,
    `saliency_loss` and `auxiliary_loss`. `predict(x)` gives the reconstruction
    r of the stage's input; `reconstruct_saliency(x)` the head's output.

    A stage is a training device built by `GreedyPretrainer`, which keeps the
    stages for inspection and checks their data; it is not meant to be saved
    (save the classifier).
    """

    uses_loss = False
    supports_sample_weight = False
    check_dataset_values = False  # `GreedyPretrainer` checks the values (range, NaN) itself

    def __init__(
        self,
        encoder: keras.layers.Layer,
        feed: keras.Model | None = None,
        *,
        noise: keras.layers.Layer | None = None,
        sparse_pool: int | None = None,
        decoder_activation=None,
        foreground_eps: float | None = None,
        saliency_head: keras.layers.Layer | None = None,
        saliency_target: keras.Model | None = None,
        saliency_weight: float = 1.0,
        auxiliary: LayerwiseAutoencoder | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if isinstance(encoder, keras.layers.Dense):
            decoder = TiedTransposeDense(encoder, activation=decoder_activation, name="decoder")
            sparse_pool = None
        elif isinstance(encoder, keras.layers.Conv2D):
            decoder = TiedConv2DTranspose(encoder, activation=decoder_activation, name="decoder")
        else:
            raise TypeError(
                "Greedy pre-training needs Dense or Conv2D encoder layers; received "
                f"'{encoder.name}' of type {type(encoder).__name__}."
            )
        self.encoder = encoder
        self.feed = feed
        self.noise = noise
        self.sparsify = MaxPoolSparsify(sparse_pool, name="sparsify") if sparse_pool else None
        self.decoder = decoder
        self.foreground_eps = foreground_eps
        self.reconstruction_loss_fn = (
            keras.losses.MeanSquaredError()
            if foreground_eps is None
            else ForegroundWeightedMSE(foreground_eps)
        )
        self.saliency_loss_fn = keras.losses.MeanSquaredError()
        self.saliency_head = saliency_head
        self.saliency_target = saliency_target
        self.saliency_weight = float(saliency_weight)
        self.auxiliary = auxiliary
        names = ["loss", "reconstruction_loss"]  # logged: `compute_terms`
        names += ["saliency_loss"] if saliency_head is not None else []
        names += ["auxiliary_loss"] if auxiliary is not None else []
        for name in names:
            self.add_tracker(name)

    @property
    def feature_shape(self) -> tuple:
        """The shape of one `x`: the feed's input, or the encoder's without a feed."""
        return tuple((self.encoder.input if self.feed is None else self.feed.inputs[0]).shape[1:])

    @property
    def uses_saliency(self) -> bool:
        """Whether training needs the saliency maps as `y`."""
        return (
            self.foreground_eps is not None
            or self.saliency_head is not None
            or self.auxiliary is not None
        )

    # ------------------------------------------------------------------ forward
    def stage_input(self, x):
        """v: the input of the encoder (the frozen feed's output), no gradient."""
        v = x if self.feed is None else self.feed(x, training=False)
        return ops.stop_gradient(v)

    def encode(self, x, training=False):
        v = self.stage_input(x)
        corrupted = v if self.noise is None else self.noise(v, training=training)
        return v, self.encoder(corrupted)

    def call(self, x, training=False):
        return self.decoder(self._code(self.encode(x, training=training)[1]))

    def reconstruct_saliency(self, x):
        """The head's reconstruction of the saliency target from clean inputs."""
        if self.saliency_head is None:
            raise ValueError(f"Stage '{self.name}' has no saliency reconstruction head.")
        return self.saliency_head(self._code(self.encode(x)[1]))

    def _code(self, h):
        """What the decoders read: h, or its max-pooling sparse code (section 3.2.2.2)."""
        return h if self.sparsify is None else self.sparsify(h)

    def compute_terms(self, x, saliency, training=False) -> dict:
        """The stage's loss terms (per-replica scaled, as Keras losses are).

        `reconstruction_loss`, `saliency_loss` and `auxiliary_loss` are means
        per element. `objective` is the thesis's sum per sample, e.g. for the
        dual path ||r - v||^2 + lambda ||R_D(h) - T||^2 + ||s^ - T||^2, and
        `loss` = objective / dim(v) + the weight penalties of the stage's own
        layers: lambda keeps the thesis's meaning whatever the sizes of v and T.
        """
        v, h = self.encode(x, training=training)
        code = self._code(h)
        r = self.decoder(code)
        target = ops.cast(v, "float32")
        if self.foreground_eps is not None:
            target = pack_foreground_target(target, saliency)
        terms = {"reconstruction_loss": self.reconstruction_loss_fn(target, r)}
        objective = _size(v) * terms["reconstruction_loss"]
        if self.saliency_head is not None:
            wanted = saliency if self.saliency_target is None else self.saliency_target(saliency)
            wanted = ops.stop_gradient(ops.cast(wanted, "float32"))
            terms["saliency_loss"] = self.saliency_loss_fn(wanted, self.saliency_head(code))
            objective += self.saliency_weight * _size(wanted) * terms["saliency_loss"]
        penalty = self._own_penalty()
        if self.auxiliary is not None:
            aux = self.auxiliary.compute_terms(saliency, None, training=training)
            terms["auxiliary_loss"] = aux["reconstruction_loss"]
            objective += aux["objective"]
            penalty += aux["penalty"]
        terms["objective"], terms["penalty"] = objective, penalty
        terms["loss"] = objective / _size(v) + penalty
        return terms

    def _own_penalty(self):
        """Weight penalties of the layers this stage trains (per-replica scaled)."""
        parts = [self.encoder, self.decoder]
        if self.saliency_head is not None:
            parts.append(self.saliency_head)
        penalties = [self._aggregate_additional_loss(loss) for p in parts for loss in p.losses]
        return ops.sum(ops.stack(penalties)) if penalties else ops.zeros(())

    # ------------------------------------------------------------------ training
    def own_variables(self) -> list:
        """The variables this stage trains: encoder, decoder bias, head, auxiliary stage."""
        parts = [self.encoder, self.decoder]
        if self.saliency_head is not None:
            parts.append(self.saliency_head)
        variables = [v for part in parts for v in part.trainable_weights]
        if self.auxiliary is not None:
            variables += self.auxiliary.own_variables()
        unique = {id(v): v for v in variables}
        return list(unique.values())

    def _update(self, terms, x):
        count = ops.shape(x)[0]
        trackers = self._trackers.metrics
        for tracker in trackers:
            tracker.update_state(unscaled(terms[tracker.name]), sample_weight=count)
        return {tracker.name: tracker.result() for tracker in trackers}

    def train_step(self, data):
        x, saliency, _ = keras.utils.unpack_x_y_sample_weight(data)
        variables = self.own_variables()

        def scaled_loss():
            terms = self.compute_terms(x, saliency, training=True)
            return self.optimizer.scale_loss(terms["loss"]), terms

        _, terms, gradients = value_and_gradients(scaled_loss, variables)
        apply_gradients(self.optimizer, gradients, variables)
        return self._update(terms, x)

    def test_step(self, data):
        x, saliency, _ = keras.utils.unpack_x_y_sample_weight(data)
        return self._update(self.compute_terms(x, saliency), x)


def _size(tensor) -> int:
    """Values per sample."""
    return math.prod(tensor.shape[1:])
