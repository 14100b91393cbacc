"""Deep belief net pre-training (Hinton, Osindero & Teh 2006): greedy RBMs -> a Keras MLP.

The first RBM models the data; each further RBM models the hidden
probabilities P(h = 1 | v) of the one below. The stack's weights W_l and
hidden biases c_l then initialise the sigmoid layers of an MLP,
h_l = sigmoid(h_{l-1} W_l + c_l), which `model.fit` fine-tunes by backprop.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

from mlzoo._checks import check_fraction, check_hidden_units, check_positive, check_positive_int
from mlzoo.models.rbm import RBM


def build_mlp(input_dim: int, hidden_units: Sequence[int], output_dim: int | None = None):
    """input -> Dense(sigmoid) per hidden width -> Dense(output_dim, softmax) if given.

    The DBN's discriminative network with Keras' default (Glorot) initial
    weights: the random-initialised baseline of the same architecture.

    Examples:
        >>> build_mlp(784, [500, 500], 10).count_params()
        648010
    """
    input_dim = check_positive_int("input_dim", input_dim)
    widths = check_hidden_units(list(hidden_units))
    inputs = keras.Input((input_dim,), name="x")
    outputs = inputs
    for index, width in enumerate(widths, start=1):
        outputs = keras.layers.Dense(width, activation="sigmoid", name=f"hidden_{index}")(outputs)
    if output_dim is not None:
        outputs = keras.layers.Dense(
            check_positive_int("output_dim", output_dim),
            activation="softmax",
            dtype="float32",
            name="output",
        )(outputs)
    return keras.Model(inputs, outputs, name="dbn_mlp")


def pretrain_rbms(
    layers: int | Sequence[int],
    x,
    *,
    epochs: int = 10,
    batch_size: int = 100,
    learning_rate: float = 0.1,
    momentum: float = 0.0,
    k: int = 1,
    persistent: bool = False,
    visible_type: str = "bernoulli",
    steps_per_execution: int = 32,
    seed: int = 0,
    verbose: int = 0,
) -> list[RBM]:
    """Train one RBM per hidden width, greedily, bottom-up; returns the stack.

    RBM l is trained with `SGD(learning_rate, momentum)` on the hidden
    probabilities of RBM l - 1 (RBM 1 on `x`, with `visible_type`; the others
    have Bernoulli visibles). Persistent chains: one per batch sample.

    Examples:
        >>> rbms = pretrain_rbms([32, 16], np.random.default_rng(0).random((100, 64)), epochs=1)
        >>> [rbm.get_config()["hidden"] for rbm in rbms]
        [32, 16]
    """
    widths = check_hidden_units(list(layers) if isinstance(layers, Sequence) else layers)
    epochs, batch_size = (
        check_positive_int("epochs", epochs),
        check_positive_int("batch_size", batch_size),
    )
    check_positive("learning_rate", learning_rate)
    check_fraction("momentum", momentum)
    data = np.asarray(x)
    if data.ndim != 2:
        raise ValueError(f"`x` must have shape (num_samples, features); received {data.shape}.")
    rbms = []
    for index, width in enumerate(widths):
        rbm = RBM(
            data.shape[1],
            width,
            visible_type=visible_type if index == 0 else "bernoulli",
            k=k,
            persistent=persistent,
            persistent_chains=batch_size,
            seed=seed + index,
            name=f"rbm_{index + 1}",
        )
        rbm.compile(
            optimizer=keras.optimizers.SGD(learning_rate, momentum=momentum),
            steps_per_execution=steps_per_execution,
        )
        if verbose:
            print(f"RBM {index + 1}/{len(widths)}: {data.shape[1]} -> {width}")
        rbm.fit(data, epochs=epochs, batch_size=batch_size, verbose=verbose)
        rbms.append(rbm)
        data = rbm.transform(data)
    return rbms


def mlp_from_rbms(rbms: Sequence[RBM], output_dim: int | None = None) -> keras.Model:
    """`build_mlp` with hidden layer l initialised to RBM l's (W, c); the output stays random."""
    if not rbms or not all(isinstance(rbm, RBM) for rbm in rbms):
        raise ValueError(f"`rbms` must be a non-empty sequence of RBMs; received {rbms!r}.")
    configs = [rbm.get_config() for rbm in rbms]
    for below, above in zip(configs, configs[1:], strict=False):
        if below["hidden"] != above["visible"]:
            raise ValueError(
                f"RBM {above['name']!r} has {above['visible']} visible units but the RBM "
                f"below it has {below['hidden']} hidden units."
            )
    model = build_mlp(configs[0]["visible"], [c["hidden"] for c in configs], output_dim)
    for index, rbm in enumerate(rbms, start=1):
        weights = [keras.ops.convert_to_numpy(v) for v in (rbm.kernel, rbm.hidden_bias)]
        model.get_layer(f"hidden_{index}").set_weights(weights)
    return model


def pretrain(
    layers: int | Sequence[int], x, *, output_dim: int | None = None, **kwargs
) -> keras.Model:
    """A DBN-initialised MLP: `pretrain_rbms(layers, x, **kwargs)`, then `mlp_from_rbms`.

    Args:
        layers: hidden widths, e.g. [500, 500] for a 784-500-500 DBN.
        x: training data (N, D); in [0, 1] for the default Bernoulli visibles.
        output_dim: add a softmax layer of this many classes (random Glorot weights).
        **kwargs: `epochs`, `batch_size`, `learning_rate`, `momentum`, `k`, `persistent`,
            `visible_type`, `steps_per_execution`, `seed`, `verbose` of `pretrain_rbms`.

    Examples:
        >>> import mlzoo
        >>> from mlzoo.models import dbn
        >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)   # MNIST: 784 -> [500, 500]
        >>> model = dbn.pretrain([32, 16], x, output_dim=10, epochs=2, learning_rate=0.05)
        >>> [layer.name for layer in model.layers], model.count_params()
        (['x', 'hidden_1', 'hidden_2', 'output'], 2778)
        >>> model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
        >>> history = model.fit(x, y, epochs=2, batch_size=100, verbose=0)
    """
    return mlp_from_rbms(pretrain_rbms(layers, x, **kwargs), output_dim)
