"""The BP lecture's network (seed 002): a d-q-l sigmoid MLP trained by plain SGD on E_k."""

from __future__ import annotations

import keras

from mlzoo._checks import check_positive, check_positive_int
from mlzoo.regularization import lecture_l2


def build_lecture_mlp(
    input_dim: int,
    hidden_units: int,
    output_dim: int,
    *,
    lam: float = 1.0,
    learning_rate: float = 0.1,
    steps_per_execution: int = 1,
) -> keras.Sequential:
    """The lecture's d-q-l network ŷ = σ(W σ(V x + b) + c), compiled for its BP.

    Sigmoid hidden and output units (the biases b, c are the lecture's
    thresholds γ, θ with the opposite sign),
    Keras' default initialisation, plain SGD with rate η on the lecture's
    objective

        E = λ (1/m) Σ_k E_k + (1 − λ) Σ_i w_i²,    E_k = ½ Σ_j (ŷ_j − y_j)²,

    which Keras minimises as E / λ: the loss "mse" (a mean over the l outputs)
    weighted by l / 2, and `lecture_l2(λ)` on every kernel and bias when λ < 1.
    With λ = 1 the logged `loss` is the accumulated error (1/m) Σ_k E_k. A
    network with one output also logs `binary_accuracy` (threshold 0.5).

    Args:
        input_dim: d, inputs.
        hidden_units: q, sigmoid hidden units.
        output_dim: l, sigmoid outputs.
        lam: λ in (0, 1]; 1 (default) is no weight penalty.
        learning_rate: η of `keras.optimizers.SGD` (no momentum).
        steps_per_execution: updates per compiled call (`Model.compile`).

    Returns:
        A compiled `keras.Sequential` (set `model.optimizer.learning_rate` to
        change η without recompiling).

    Examples:
        >>> import numpy as np
        >>> x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
        >>> y = np.array([[0], [1], [1], [0]], "float32")
        >>> model = build_lecture_mlp(2, 2, 1, learning_rate=1.0)
        >>> history = model.fit(x, y, batch_size=4, epochs=3, verbose=0)  # accumulated BP
        >>> sorted(history.history)
        ['binary_accuracy', 'loss']
    """
    input_dim = check_positive_int("input_dim", input_dim)
    hidden_units = check_positive_int("hidden_units", hidden_units)
    output_dim = check_positive_int("output_dim", output_dim)
    steps_per_execution = check_positive_int("steps_per_execution", steps_per_execution)
    penalty = lecture_l2(lam)  # checks λ
    learning_rate = check_positive("learning_rate", learning_rate)
    regularizer = penalty if lam < 1 else None
    dense = dict(activation="sigmoid", kernel_regularizer=regularizer, bias_regularizer=regularizer)
    model = keras.Sequential(
        [
            keras.Input((input_dim,)),
            keras.layers.Dense(hidden_units, **dense),
            keras.layers.Dense(output_dim, **dense),
        ]
    )
    model.compile(
        keras.optimizers.SGD(learning_rate),
        loss="mse",
        loss_weights=output_dim / 2,
        metrics=["binary_accuracy"] if output_dim == 1 else None,
        steps_per_execution=steps_per_execution,
    )
    return model
