"""Cascade-correlation (Fahlman & Lebiere 1990): grow hidden units one at a time."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from mlzoo._checks import check_array, check_choice, check_positive_int
from mlzoo.callbacks.stopping import Stagnation, TargetReached
from mlzoo.models.cascade.candidates import CandidatePool
from mlzoo.models.cascade.network import cascade_network

_LOSSES = {"sigmoid": "binary_crossentropy", "softmax": "categorical_crossentropy", "linear": "mse"}
_ACCURACY = {"sigmoid": keras.metrics.BinaryAccuracy, "softmax": keras.metrics.CategoricalAccuracy}


class CascadeCorrelation:
    """Grow a network from inputs wired straight to outputs (BP lecture, "constructive network").

    Training alternates (Fahlman & Lebiere 1990):

    1. *Output phase*: only the output weights learn (`model.fit` with the loss
       that matches `output_activation`) until the loss stagnates (`patience`
       epochs without a `min_relative_change` improvement) or the target is met.
    2. *Candidate phase*: a pool of `candidates` units, each fed by the inputs
       and every installed hidden unit, maximises its correlation S with the
       residual error (`CandidatePool.fit`), until S stagnates.
    3. The candidate with the largest S over the whole training set is frozen
       and installed as a new hidden unit (its output weights start at 0).

    It stops when training accuracy reaches `target_accuracy` (or the loss
    `target_loss`) or after `max_hidden_units`. Every phase is a `model.fit`, so
    callbacks, progress bars and `tf.data` work; `model` is the grown network as
    a plain functional `keras.Model` (Dense + Concatenate layers) that saves and
    loads with no custom objects. Models are built in the distribution strategy
    that was current when the grower was created.

    Args:
        input_dim, output_dim: sizes.
        output_activation: "sigmoid" (independent binary outputs, binary
            cross-entropy), "softmax" (classes, categorical cross-entropy; integer
            or one-hot labels) or "linear" (squared error).
        hidden_activation: the units' activation (tanh: the paper's symmetric sigmoid).
        candidates: pool size.
        max_hidden_units: unit budget.
        target_accuracy: stop once training accuracy reaches it (None: never).
        target_loss: stop once the training loss is at or below it (None: never).
        output_epochs, candidate_epochs: epoch cap of each phase.
        patience, min_relative_change: the stagnation rule of both phases.
        output_learning_rate, candidate_learning_rate: Adam rates of the phases.
        batch_size: None trains on the whole set per step (S is then the paper's
            whole-epoch correlation); with mini-batches S is estimated per batch.
        steps_per_execution: passed to `compile`.
        seed: seed of the candidate weights.
        verbose: 1 prints a line per installed unit; `fit_verbose` is Keras'.

    Example:

    >>> from mlzoo.datasets.two_spirals import make_two_spirals
    >>> x, y = make_two_spirals()
    >>> cascor = CascadeCorrelation(2, 1, max_hidden_units=25)
    >>> history = cascor.fit(x, y)
    >>> cascor.hidden_units, cascor.model.predict(x).shape
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        output_activation: str = "sigmoid",
        hidden_activation: str = "tanh",
        candidates: int = 8,
        max_hidden_units: int = 30,
        target_accuracy: float | None = 1.0,
        target_loss: float | None = None,
        output_epochs: int = 1000,
        candidate_epochs: int = 1000,
        patience: int = 30,
        min_relative_change: float = 0.01,
        output_learning_rate: float = 0.05,
        candidate_learning_rate: float = 0.05,
        batch_size: int | None = None,
        steps_per_execution: int = 1,
        seed: int | None = 0,
        verbose: int = 1,
        fit_verbose: int = 0,
    ):
        self.input_dim = check_positive_int("input_dim", input_dim)
        self.output_dim = check_positive_int("output_dim", output_dim)
        check_choice("output_activation", output_activation, tuple(_LOSSES))
        if output_activation == "linear" and target_accuracy is not None:
            target_accuracy = None  # regression: only `target_loss` applies
        keras.activations.get(hidden_activation)  # raises on an unknown name
        self.candidates = check_positive_int("candidates", candidates)
        if int(max_hidden_units) != max_hidden_units or max_hidden_units < 0:
            raise ValueError(
                f"`max_hidden_units` must be an integer >= 0; received {max_hidden_units!r}."
            )
        if target_accuracy is not None and not 0 < target_accuracy <= 1:
            raise ValueError(f"`target_accuracy` must be in (0, 1]; received {target_accuracy!r}.")
        for name, rate in (
            ("output_learning_rate", output_learning_rate),
            ("candidate_learning_rate", candidate_learning_rate),
        ):
            if not rate > 0:
                raise ValueError(f"`{name}` must be positive; received {name}={rate!r}.")
        self.output_activation, self.hidden_activation = output_activation, hidden_activation
        self.max_hidden_units, self.target_accuracy = int(max_hidden_units), target_accuracy
        self.target_loss = target_loss
        self.output_epochs = check_positive_int("output_epochs", output_epochs)
        self.candidate_epochs = check_positive_int("candidate_epochs", candidate_epochs)
        self.patience, self.min_relative_change = patience, min_relative_change
        Stagnation(patience=patience, min_relative_change=min_relative_change)  # validates both
        self.output_learning_rate = float(output_learning_rate)
        self.candidate_learning_rate = float(candidate_learning_rate)
        self.batch_size = (
            None if batch_size is None else check_positive_int("batch_size", batch_size)
        )
        self.steps_per_execution = check_positive_int("steps_per_execution", steps_per_execution)
        self.seed, self.verbose, self.fit_verbose = seed, verbose, fit_verbose
        self._strategy = tf.distribute.get_strategy()
        self.hidden_layers: list[keras.layers.Dense] = []
        self.history: list[dict] = []
        with self._strategy.scope():
            self.output_layer = self._new_output_layer()
            self.model, self.features = cascade_network(
                self.input_dim, self.hidden_layers, self.output_layer
            )

    @property
    def hidden_units(self) -> int:
        return len(self.hidden_layers)

    # -- growing ------------------------------------------------------------------
    def fit(self, x, y=None, callbacks=None) -> list[dict]:
        """Grow on (x, y) arrays or a `tf.data.Dataset` of (x, y) batches; returns `history`.

        `callbacks` are passed to every phase's `model.fit`. Each history row:
        hidden units, output-phase epochs and loss/accuracy, candidate-phase
        epochs and the installed unit's correlation S.
        """
        data = self._dataset(x, y)
        callbacks = list(callbacks or [])
        with self._strategy.scope():
            self._grow(data, callbacks)
        if self.verbose:
            print(f"stopped with {self.hidden_units} hidden units: {self.history[-1]}")
        return self.history

    def _grow(self, data, callbacks) -> None:
        while True:
            row = {"hidden_units": self.hidden_units, **self._train_outputs(data, callbacks)}
            self.history.append(row)
            if self._done(row):
                break
            row.update(self._install_best_candidate(data, callbacks))
            if self.verbose:
                print(
                    f"unit {self.hidden_units}: S = {row['correlation']:.3f}; before it: "
                    f"loss {row['loss']:.4f}, accuracy {row.get('accuracy', float('nan')):.3f}"
                )

    def _done(self, row: dict) -> bool:
        if self.target_accuracy is not None and row.get("accuracy", 0.0) >= self.target_accuracy:
            return True
        if self.target_loss is not None and row["loss"] <= self.target_loss:
            return True
        return self.hidden_units >= self.max_hidden_units

    def _train_outputs(self, data, callbacks) -> dict:
        self.output_layer.trainable = True
        accuracy = _ACCURACY.get(self.output_activation)
        self.model.compile(
            optimizer=keras.optimizers.Adam(self.output_learning_rate),
            loss=_LOSSES[self.output_activation],
            metrics=[accuracy(name="accuracy")] if accuracy else [],
            steps_per_execution=self.steps_per_execution,
        )
        stops = [Stagnation("loss", self.patience, self.min_relative_change)]
        if self.target_accuracy is not None:
            stops.append(TargetReached("accuracy", self.target_accuracy))
        if self.target_loss is not None:
            stops.append(TargetReached("loss", self.target_loss, mode="min"))
        fitted = self.model.fit(
            data,
            epochs=self.output_epochs,
            callbacks=stops + callbacks,
            verbose=self.fit_verbose,
            shuffle=False,
        )
        measured = self.model.evaluate(data, verbose=0, return_dict=True)
        return {"output_epochs": len(fitted.history["loss"]), **measured}

    def _install_best_candidate(self, data, callbacks) -> dict:
        self.output_layer.trainable = False
        seed = None if self.seed is None else self.seed + 1000 * self.hidden_units
        pool = CandidatePool(
            self.features, self.output_layer, self.candidates, self.hidden_activation, seed
        )
        pool.compile(
            optimizer=keras.optimizers.Adam(self.candidate_learning_rate),
            steps_per_execution=self.steps_per_execution,
        )
        stop = Stagnation("correlation", self.patience, self.min_relative_change, mode="max")
        fitted = pool.fit(
            data,
            epochs=self.candidate_epochs,
            callbacks=[stop, *callbacks],
            verbose=self.fit_verbose,
            shuffle=False,
        )
        scores = keras.ops.convert_to_numpy(pool.correlations(data))
        best = int(np.argmax(scores))
        kernel, bias = pool.candidates.get_weights()
        unit = keras.layers.Dense(
            1,
            activation=self.hidden_activation,
            trainable=False,
            name=f"hidden_{self.hidden_units + 1}",
        )
        unit.build((None, kernel.shape[0]))
        unit.set_weights([kernel[:, best : best + 1], bias[best : best + 1]])
        old = self.output_layer.get_weights()
        self.hidden_layers.append(unit)
        self.output_layer = self._new_output_layer()
        self.model, self.features = cascade_network(
            self.input_dim, self.hidden_layers, self.output_layer
        )
        self.output_layer.set_weights([np.vstack([old[0], np.zeros((1, self.output_dim))]), old[1]])
        return {
            "candidate_epochs": len(fitted.history["correlation"]),
            "correlation": float(scores[best]),
        }

    def _new_output_layer(self) -> keras.layers.Dense:
        return keras.layers.Dense(
            self.output_dim, activation=self.output_activation, dtype="float32", name="output"
        )

    # -- data ---------------------------------------------------------------------
    def _dataset(self, x, y) -> tf.data.Dataset:
        if isinstance(x, tf.data.Dataset):
            if y is not None:
                raise ValueError(
                    "Pass labels inside the dataset, not as `y`, when x is a tf.data.Dataset."
                )
            return x.map(lambda a, b: (a, self._encode(b)))
        if y is None:
            raise ValueError("CascadeCorrelation.fit needs targets `y` (or a dataset of (x, y)).")
        check_array("x", np.asarray(x), last_dim=self.input_dim)
        targets = self._check_targets(np.asarray(y), len(x))
        x = np.asarray(x, "float32")
        batch = self.batch_size or len(x)
        return tf.data.Dataset.from_tensor_slices((x, targets)).batch(batch)

    def _encode(self, y):
        """Dataset labels to the (batch, output_dim) float targets of the output layer."""
        if self.output_activation == "softmax" and (y.shape.rank == 1 or y.shape[-1] == 1):
            return tf.one_hot(tf.cast(tf.reshape(y, [-1]), "int32"), self.output_dim)
        return tf.reshape(tf.cast(y, "float32"), [-1, self.output_dim])

    def _check_targets(self, y: np.ndarray, n: int) -> np.ndarray:
        if len(y) != n:
            raise ValueError(f"x has {n} samples but y has {len(y)}.")
        if not np.isfinite(np.asarray(y, "float64")).all():
            raise ValueError("y contains NaN or infinite values.")
        if self.output_activation == "softmax":
            if y.ndim == 1 or y.shape[1:] == (1,):
                labels = y.reshape(-1)
                if not np.all(
                    (labels == np.round(labels)) & (labels >= 0) & (labels < self.output_dim)
                ):
                    raise ValueError(
                        f"Integer class labels must be in [0, {self.output_dim}); received values "
                        f"{np.unique(labels)[:10]}."
                    )
                return np.eye(self.output_dim, dtype="float32")[labels.astype(int)]
        y = y.reshape(n, -1).astype("float32")
        if y.shape[1] != self.output_dim:
            raise ValueError(
                f"y must have shape ({n},) or ({n}, {self.output_dim}) for output_dim="
                f"{self.output_dim}; received {y.shape}."
            )
        if self.output_activation != "linear" and ((y < 0) | (y > 1)).any():
            raise ValueError(
                f"Targets of {self.output_activation} outputs must lie in [0, 1] (0/1 labels); "
                f"received values in [{y.min()}, {y.max()}]."
            )
        return y
