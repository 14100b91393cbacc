"""Cascade-correlation (Fahlman & Lebiere 1990): grow hidden units one at a time inside `fit`."""

from __future__ import annotations

import functools
import numbers

import keras
import numpy as np
from keras import ops

from mlzoo._checks import (
    check_choice,
    check_class_labels,
    check_non_negative,
    check_positive,
    check_positive_int,
    check_sample_shape,
)
from mlzoo.callbacks.stopping import check_min_relative_change, reached, stagnated
from mlzoo.models._training import (
    add_state_weight,
    apply_gradients,
    replica_sum,
    value_and_gradients,
)
from mlzoo.models.cascade.candidates import ascent_objective, correlation_sums, scores
from mlzoo.models.cascade.network import cascade_network
from mlzoo.models.registry import register
from mlzoo.models.zoo_model import ZooModel, _is_dataset

#: the phases of growth, in the order they follow each other.
PHASES = ("output", "candidates", "select", "done")
OUTPUT, CANDIDATES, SELECT, DONE = range(4)
# entries of the `growth_state` variable
_PHASE, _UNITS, _EPOCHS, _SEEN, _SEED = range(5)
_OUTPUT_ACTIVATIONS = ("sigmoid", "softmax", "linear")


@register("cascade_correlation")
@keras.saving.register_keras_serializable(package="mlzoo")
class CascadeCorrelation(ZooModel):
    """A network that grows its hidden units inside `fit` (BP lecture, "constructive network").

    Hidden unit k reads the inputs and every earlier unit, h_k = f(v_k . [x, h_1..h_{k-1}]),
    and the outputs read all of them, y = g(W [x, h_1..h_K] + b). Every epoch of
    `fit` is one step of Fahlman & Lebiere's (1990) alternation:

    1. *output* epochs train only W, b (Adam on the loss that matches `g`) until the
       loss stagnates (`patience` epochs without a `min_relative_change` relative
       improvement) or `output_epochs` pass;
    2. *candidates* epochs train a pool of `candidates` units V_c = f(v_c . [x, h]),
       each ascending (eq. 1) S_c = sum_o | sum_p (V_pc - mean V_c)(E_po - mean E_o) |
       with E = y - t the residual error of the frozen network, until S stagnates;
    3. one *select* epoch sums S over the whole training set; the best candidate is
       frozen and installed as h_{K+1} (its output weights start at 0); back to 1.

    Growth ends ("done", `fit` stops by itself) once the training accuracy of an
    output epoch reaches `target_accuracy` (or its loss `target_loss`), or when an
    output phase ends with `max_hidden_units` installed. The weights of all
    `max_hidden_units` units are allocated up front (units not yet installed
    output 0) and the phase, the unit count and the patience counters are
    variables, so `.keras` files, `BackupAndRestore` and `MirroredStrategy`
    carry the grown network and a resumed run continues the growth exactly.
    `fit` without `epochs` runs until done (at most `epoch_budget()` epochs),
    without `batch_size` on the whole set per step (S is then the paper's
    whole-epoch correlation) and with `verbose=0`.

    Logs: `loss` and `accuracy` (not for "linear") of the network, measured on each
    batch before its update; `correlation` (the best candidate's S on the batch,
    0 in output epochs) and `hidden_units`. No optimizer or loss is compiled
    (the two Adam optimizers are part of the model); `sample_weight` is rejected.
    `to_functional()` returns the grown net as a plain functional `keras.Model`.

    Args:
        input_dim: input size.
        output_dim: output size.
        output_activation: "sigmoid" (independent binary outputs, binary
            cross-entropy), "softmax" (classes, categorical cross-entropy; integer
            or one-hot labels) or "linear" (squared error). With these canonical
            pairs the residual error is E = y - t.
        hidden_activation: the units' activation (tanh: the paper's symmetric sigmoid).
        candidates: pool size.
        max_hidden_units: unit budget (weights are allocated for all of them).
        target_accuracy: stop once training accuracy reaches it (None: never;
            ignored for "linear").
        target_loss: stop once the training loss is at or below it (None: never).
        output_epochs: epoch cap of the output phase.
        candidate_epochs: epoch cap of the candidate phase.
        patience: the stagnation rule of both phases: epochs without a relative
            change of at least `min_relative_change`.
        min_relative_change: the relative loss change that counts as progress.
        output_learning_rate: Adam rate of the output phase.
        candidate_learning_rate: Adam rate of the candidate phase.
        seed: seed of the output weights and of every candidate pool (None: drawn
            from NumPy's global generator and kept in the weights).
        verbose: 1 prints a line per installed unit.
        **kwargs: `keras.Model` arguments (`name`).

    Examples:
        >>> from mlzoo.datasets import make_two_spirals
        >>> x, y = make_two_spirals()
        >>> cascor = CascadeCorrelation(2, 1, max_hidden_units=3, verbose=0)
        >>> history = cascor.fit(x, y)                    # grows until 100 % or 3 units
        >>> cascor.hidden_units, cascor.predict(x, verbose=0).shape
        (3, (194, 1))
        >>> cascor.to_functional().save("spirals.keras")  # plain Dense + Concatenate layers
    """

    uses_optimizer = False
    uses_loss = False
    supports_sample_weight = False

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
        seed: int | None = 0,
        verbose: int = 1,
        **kwargs,
    ):
        super().__init__(**{"dtype": "float32", **kwargs})
        self.input_dim = check_positive_int("input_dim", input_dim)
        self.output_dim = check_positive_int("output_dim", output_dim)
        check_choice("output_activation", output_activation, _OUTPUT_ACTIVATIONS)
        if output_activation == "softmax" and output_dim < 2:
            raise ValueError(
                "A softmax over one output is always 1: use output_dim >= 2 classes, or "
                "output_activation='sigmoid' for one binary output."
            )
        if not isinstance(hidden_activation, str):
            raise ValueError(
                f"`hidden_activation` must be the name of a Keras activation; received "
                f"{hidden_activation!r}."
            )
        self._hidden_fn = keras.activations.get(hidden_activation)  # raises on unknown names
        self.output_activation, self.hidden_activation = output_activation, hidden_activation
        self.candidates = check_positive_int("candidates", candidates)
        if (
            isinstance(max_hidden_units, bool)
            or not isinstance(max_hidden_units, numbers.Integral)
            or max_hidden_units < 0
        ):
            raise ValueError(
                f"`max_hidden_units` must be an integer >= 0; received {max_hidden_units!r}."
            )
        self.max_hidden_units = int(max_hidden_units)
        if output_activation == "linear":
            target_accuracy = None  # regression: only `target_loss` applies
        if target_accuracy is not None and (
            isinstance(target_accuracy, bool)
            or not isinstance(target_accuracy, numbers.Real)
            or not 0 < target_accuracy <= 1
        ):
            raise ValueError(f"`target_accuracy` must be in (0, 1]; received {target_accuracy!r}.")
        self.target_accuracy = None if target_accuracy is None else float(target_accuracy)
        self.target_loss = (
            None if target_loss is None else check_non_negative("target_loss", target_loss)
        )
        self.output_epochs = check_positive_int("output_epochs", output_epochs)
        self.candidate_epochs = check_positive_int("candidate_epochs", candidate_epochs)
        self.patience = check_positive_int("patience", patience)
        self.min_relative_change = check_min_relative_change(min_relative_change)
        rates = {}
        for name, rate in (
            ("output_learning_rate", output_learning_rate),
            ("candidate_learning_rate", candidate_learning_rate),
        ):
            rates[name] = check_positive(name, rate)
        if seed is not None and (
            isinstance(seed, bool)
            or not isinstance(seed, numbers.Integral)
            or not 0 <= seed < 2**31
        ):
            raise ValueError(f"`seed` must be None or an integer in [0, 2**31); received {seed!r}.")
        self.seed, self.verbose = seed, verbose
        seed = int(np.random.randint(2**31 - 1)) if seed is None else int(seed)

        d, o, h, k = self.input_dim, self.output_dim, self.max_hidden_units, self.candidates
        limit = np.sqrt(6.0 / (d + o))  # Glorot on the input rows; unit rows start at 0
        output_kernel = np.zeros((d + h, o), "float32")
        output_kernel[:d] = np.random.default_rng([seed, 0]).uniform(-limit, limit, (d, o))
        self.output_kernel = self.add_weight(
            shape=(d + h, o),
            initializer=keras.initializers.Constant(output_kernel),
            dtype="float32",
            name="output_kernel",
        )
        self.output_bias = self.add_weight(
            shape=(o,), initializer="zeros", dtype="float32", name="output_bias"
        )
        self.candidate_kernel = self.add_weight(
            shape=(d + h, k), initializer="zeros", dtype="float32", name="candidate_kernel"
        )
        self.candidate_bias = self.add_weight(
            shape=(k,), initializer="zeros", dtype="float32", name="candidate_bias"
        )
        self.hidden_kernel = add_state_weight(self, "hidden_kernel", (d + h, h))
        self.hidden_bias = add_state_weight(self, "hidden_bias", (h,))
        state = np.array([OUTPUT, 0, 0, 0, seed], "int32")
        self.growth_state = add_state_weight(
            self, "growth_state", (5,), "int32", keras.initializers.Constant(state)
        )
        self.stagnation = add_state_weight(self, "stagnation", (self.patience + 1,))
        self.selection_sums = add_state_weight(self, "selection_sums", (k + 1, o + 1))
        self.output_optimizer = keras.optimizers.Adam(
            rates["output_learning_rate"], name="output_adam"
        )
        self.output_optimizer.build([self.output_kernel, self.output_bias])
        self.candidate_optimizer = keras.optimizers.Adam(
            rates["candidate_learning_rate"], name="candidate_adam"
        )
        self.candidate_optimizer.build([self.candidate_kernel, self.candidate_bias])
        self._loss_mean = self.add_tracker("loss", "min")
        self._accuracy_mean = (
            None if output_activation == "linear" else self.add_tracker("accuracy", "max")
        )
        self._correlation_mean = self.add_tracker("correlation", "max")
        self._units_mean = self.add_tracker("hidden_units", "min")
        self._traced_phase = OUTPUT  # the phase the current train function was traced for
        self.__dict__["_growth_rows"] = []  # a plain list (not tracked by Keras)
        self.built = True

    # ------------------------------------------------------------------ state
    @property
    def feature_shape(self) -> tuple:
        return (self.input_dim,)

    @property
    def variables(self) -> list:
        """Every variable the steps use, the two Adams' state included (not weights: not saved
        with the model's, no `get_weights` entries), so JAX's stateless steps carry it."""
        optimizers = [*self.output_optimizer.variables, *self.candidate_optimizer.variables]
        return [*super().variables, *optimizers]

    def _state(self) -> np.ndarray:
        return keras.ops.convert_to_numpy(self.growth_state).copy()

    @property
    def hidden_units(self) -> int:
        """Hidden units installed so far."""
        return int(self._state()[_UNITS])

    @property
    def phase(self) -> str:
        """The phase the next epoch runs: "output", "candidates", "select" or "done"."""
        return PHASES[int(self._state()[_PHASE])]

    @property
    def growth(self) -> list[dict]:
        """One row per output phase run in this process: hidden units, epochs, loss, accuracy,
        and, once its candidate was installed, candidate epochs and S."""
        return [dict(row) for row in self._growth_rows]

    def epoch_budget(self) -> int:
        """The most epochs growth can take (output, candidate and select epochs)."""
        h = self.max_hidden_units
        return (h + 1) * self.output_epochs + h * (self.candidate_epochs + 1)

    def compile_defaults(self) -> dict:
        """No XLA on TensorFlow (a growth step is tiny, its compile is not); JAX always compiles."""
        return {"jit_compile": False} if keras.backend.backend() == "tensorflow" else {}

    # ------------------------------------------------------------------ the network
    def _features(self, x):
        """[x, h_1, ..., h_H] (B, D + H); units not installed yet give 0."""
        installed = self.growth_state[_UNITS]
        kernel = keras.ops.convert_to_tensor(self.hidden_kernel)
        bias = keras.ops.convert_to_tensor(self.hidden_bias)
        columns = [x]
        for k in range(self.max_hidden_units):
            inputs = columns[0] if k == 0 else ops.concatenate(columns, 1)
            z = ops.matmul(inputs, kernel[: self.input_dim + k, k : k + 1]) + bias[k]
            columns.append(self._hidden_fn(z) * ops.cast(k < installed, "float32"))
        return ops.concatenate(columns, 1) if len(columns) > 1 else x

    def _logits(self, features):
        return ops.matmul(features, self.output_kernel) + self.output_bias

    def _activate(self, logits):
        if self.output_activation == "sigmoid":
            return ops.sigmoid(logits)
        if self.output_activation == "softmax":
            return ops.softmax(logits)
        return logits

    def call(self, x):
        """The outputs y = g(W [x, h] + b), float32 (B, output_dim)."""
        return self._activate(self._logits(self._features(ops.cast(x, "float32"))))

    def to_functional(self) -> keras.Model:
        """The grown network as a plain functional model (Dense + Concatenate layers).

        Hidden unit k is a frozen `Dense(1)` named `hidden_k` reading [x, h_1..h_{k-1}],
        the outputs a `Dense(output_dim)` named `output`; it loads with
        `keras.models.load_model(..., safe_mode=True)` and no mlzoo import.
        """
        d, units = self.input_dim, self.hidden_units
        kernel, bias, w, b = (
            keras.ops.convert_to_numpy(v)
            for v in (self.hidden_kernel, self.hidden_bias, self.output_kernel, self.output_bias)
        )
        hidden = []
        for k in range(units):
            layer = keras.layers.Dense(
                1,
                activation=self.hidden_activation,
                trainable=False,
                dtype="float32",
                name=f"hidden_{k + 1}",
            )
            layer.build((None, d + k))
            layer.set_weights([kernel[: d + k, k : k + 1], bias[k : k + 1]])
            hidden.append(layer)
        output = keras.layers.Dense(
            self.output_dim, activation=self.output_activation, dtype="float32", name="output"
        )
        output.build((None, d + units))
        output.set_weights([w[: d + units], b])
        return cascade_network(d, hidden, output)[0]

    # ------------------------------------------------------------------ training steps
    def _targets(self, y):
        """Labels to (batch, output_dim) float targets (integer classes one-hot encoded)."""
        if self.output_activation == "softmax" and (len(y.shape) == 1 or y.shape[-1] == 1):
            return ops.one_hot(ops.cast(ops.reshape(y, [-1]), "int32"), self.output_dim)
        return ops.reshape(ops.cast(y, "float32"), [-1, self.output_dim])

    def _per_sample(self, logits, targets):
        """(loss, accuracy) of each sample; accuracy None for linear outputs."""
        if self.output_activation == "sigmoid":
            losses = ops.binary_crossentropy(targets, logits, from_logits=True)
            hits = ops.cast(ops.equal(targets, ops.cast(logits > 0, "float32")), "float32")
            return ops.mean(losses, 1), ops.mean(hits, 1)
        if self.output_activation == "softmax":
            losses = ops.categorical_crossentropy(targets, logits, from_logits=True)
            hits = ops.equal(ops.argmax(logits, 1), ops.argmax(targets, 1))
            return losses, ops.cast(hits, "float32")
        return ops.mean(ops.square(logits - targets), 1), None

    def _measure(self, losses, hits) -> dict:
        self._loss_mean.update_state(losses)
        logs = {"loss": self._loss_mean.result()}
        if self._accuracy_mean is not None:
            self._accuracy_mean.update_state(hits)
            logs["accuracy"] = self._accuracy_mean.result()
        return logs

    def train_step(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        x, targets = ops.cast(x, "float32"), self._targets(y)
        phase = self._traced_phase
        features = self._features(x)
        if phase == OUTPUT:
            variables = [self.output_kernel, self.output_bias]
            # the sum over the global batch's count: replicas' gradients sum to the mean's
            count = replica_sum(ops.cast(ops.shape(x)[0], "float32"))

            def output_loss():
                losses, hits = self._per_sample(self._logits(features), targets)
                return ops.sum(losses) / count, (losses, hits)

            _, (losses, hits), gradients = value_and_gradients(output_loss, variables)
            apply_gradients(self.output_optimizer, gradients, variables)
        else:
            logits = self._logits(features)
            losses, hits = self._per_sample(logits, targets)
        correlation = ops.zeros(())
        if phase in (CANDIDATES, SELECT):
            errors = self._activate(logits) - targets
            variables = [self.candidate_kernel, self.candidate_bias]

            def candidate_loss():
                values = self._hidden_fn(ops.matmul(features, variables[0]) + variables[1])
                sums = ops.stop_gradient(replica_sum(correlation_sums(values, errors)))
                return -ascent_objective(values, errors, sums), sums

            if phase == CANDIDATES:
                _, sums, gradients = value_and_gradients(candidate_loss, variables)
                apply_gradients(self.candidate_optimizer, gradients, variables)
            else:
                sums = candidate_loss()[1]
                self.selection_sums.assign_add(sums)
            correlation = ops.max(scores(sums))
        self._correlation_mean.update_state(correlation)
        self._units_mean.update_state(ops.cast(self.growth_state[_UNITS], "float32"))
        logs = self._measure(losses, hits)
        return {
            **logs,
            "correlation": self._correlation_mean.result(),
            "hidden_units": self._units_mean.result(),
        }

    def test_step(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        logits = self._logits(self._features(ops.cast(x, "float32")))
        return self._measure(*self._per_sample(logits, self._targets(y)))

    # ------------------------------------------------------------------ growth
    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=None,
        verbose=0,
        callbacks=None,
        shuffle=False,
        **kwargs,
    ):
        """`keras.Model.fit` where every epoch is one step of growth.

        Defaults differ from Keras': `epochs=None` runs until growth is done
        (`epoch_budget()` at most), `batch_size=None` takes the whole set per step,
        `verbose=0`, `shuffle=False`.
        """
        if batch_size is None and not _is_dataset(x) and hasattr(x, "__len__"):
            batch_size = max(len(x), 1)
        epochs = self.epoch_budget() if epochs is None else epochs
        plain = {"sample_weight", "class_weight", "steps_per_epoch", "validation_split"}
        self._compile_if_needed()
        if (
            keras.backend.backend() == "tensorflow"
            and hasattr(x, "shape")
            and hasattr(y, "shape")
            and not shuffle
            and not plain & set(kwargs)
            and self.steps_per_execution == 1  # (Keras would run whole executions per epoch)
        ):
            # Growth runs thousands of short epochs: one repeated dataset (with its single
            # iterator) instead of Keras' new iterator per epoch, ~10x less overhead per epoch
            # on TensorFlow. On JAX Keras' own array iterator costs less than this dataset.
            import tensorflow as tf

            self._checked("fit", x, y)  # the array checks, before the data becomes a dataset
            rows = len(x)
            x = (
                tf.data.Dataset.from_tensor_slices((np.asarray(x), np.asarray(y)))
                .batch(batch_size)
                .cache()
                .repeat()
            )
            y, kwargs["steps_per_epoch"] = None, -(-rows // batch_size)
        callbacks = [_Growth(self), *(callbacks or [])]
        return super().fit(
            x,
            y,
            batch_size=batch_size,
            epochs=epochs,
            verbose=verbose,
            callbacks=callbacks,
            shuffle=shuffle,
            **kwargs,
        )

    def _sync_train_function(self) -> None:
        """Switch to the training step of the phase the state holds (traced once per phase)."""
        phase = int(self._state()[_PHASE])
        functions = self.__dict__.setdefault("_phase_functions", {})
        if functions.get(self._traced_phase) is not self.train_function:
            functions.clear()  # compiled afresh: the traced steps are stale
            functions[self._traced_phase] = self.train_function
        if phase != self._traced_phase:
            self._traced_phase = phase
            if phase not in functions:
                self.make_train_function(force=True)
                functions[phase] = self.train_function
            self.train_function = functions[phase]

    def make_train_function(self, force=False):
        """Keras', with a step function of its own per call on JAX: `jax.jit` reuses the trace
        of an equal function (the same bound method), blind to the phase held in Python."""
        if keras.backend.backend() != "jax":
            return super().make_train_function(force)
        self.train_step = functools.partial(type(self).train_step, self)
        try:
            return super().make_train_function(force)
        finally:
            del self.train_step

    def _advance(self, logs: dict) -> None:
        """The end of an epoch: count it, apply the stopping rules, move to the next phase."""
        if not logs:
            return  # an epoch without batches (an empty dataset; `fit` reports it)
        state = self._state()
        phase = int(state[_PHASE])
        if phase == DONE:
            self.stop_training = True
            return
        if phase == SELECT:
            self._install(state)
            return
        state[_EPOCHS] += 1
        if phase == OUTPUT:
            finished = self._target_met(logs)
            stop = self._push(state, float(logs["loss"]), "min")
            if finished or stop or state[_EPOCHS] >= self.output_epochs:
                row = {"hidden_units": int(state[_UNITS]), "output_epochs": int(state[_EPOCHS])}
                row.update({k: float(logs[k]) for k in ("loss", "accuracy") if k in logs})
                self._growth_rows.append(row)
                if finished or state[_UNITS] >= self.max_hidden_units:
                    state[_PHASE] = DONE
                    self.stop_training = True
                    if self.verbose:
                        print(f"stopped with {state[_UNITS]} hidden units: {row}")
                else:
                    self._start_candidates(state)
        else:
            stop = self._push(state, float(logs["correlation"]), "max")
            if stop or state[_EPOCHS] >= self.candidate_epochs:
                if self._growth_rows:
                    self._growth_rows[-1]["candidate_epochs"] = int(state[_EPOCHS])
                self.selection_sums.assign(ops.zeros(self.selection_sums.shape))
                state[_PHASE] = SELECT
        self.growth_state.assign(state)

    def _target_met(self, logs: dict) -> bool:
        if self.target_accuracy is not None and reached(
            float(logs["accuracy"]), self.target_accuracy, "max"
        ):
            return True
        return self.target_loss is not None and reached(
            float(logs["loss"]), self.target_loss, "min"
        )

    def _push(self, state: np.ndarray, value: float, mode: str) -> bool:
        """Add an epoch's value to the patience window; whether the phase has stagnated.

        `stagnation` holds [best value before the window, the last `patience` values].
        """
        p, seen = self.patience, int(state[_SEEN])
        values = keras.ops.convert_to_numpy(self.stagnation).astype("float64")
        if seen >= p:
            leaving = values[1]
            if seen == p:
                values[0] = leaving
            else:
                values[0] = min(values[0], leaving) if mode == "min" else max(values[0], leaving)
        values[1:] = [*values[2:], value]
        state[_SEEN] = seen + 1
        self.stagnation.assign(values.astype("float32"))
        return seen + 1 > p and stagnated(values[0], values[1:], self.min_relative_change, mode)

    def _restart_phase(self, state: np.ndarray, phase: int, optimizer) -> None:
        state[_PHASE], state[_EPOCHS], state[_SEEN] = phase, 0, 0
        self.stagnation.assign(ops.zeros(self.stagnation.shape))
        for variable in optimizer.variables:  # a fresh Adam per phase, as the paper's fresh runs
            if variable.name != "learning_rate":
                variable.assign(ops.zeros(variable.shape, variable.dtype))

    def _start_candidates(self, state: np.ndarray) -> None:
        """A new pool, uniform in [-1, 1] on the inputs and the installed units."""
        units, d = int(state[_UNITS]), self.input_dim
        rng = np.random.default_rng([int(state[_SEED]), 1 + units])
        kernel = np.zeros(self.candidate_kernel.shape, "float32")
        kernel[: d + units] = rng.uniform(-1.0, 1.0, (d + units, self.candidates))
        self.candidate_kernel.assign(kernel)
        self.candidate_bias.assign(rng.uniform(-1.0, 1.0, self.candidates).astype("float32"))
        self._restart_phase(state, CANDIDATES, self.candidate_optimizer)

    def _install(self, state: np.ndarray) -> None:
        """Freeze the candidate with the largest S over the select epoch as the next unit."""
        found = scores(keras.ops.convert_to_numpy(self.selection_sums).astype("float64"))
        best, k, d = int(np.argmax(found)), int(state[_UNITS]), self.input_dim
        column = keras.ops.convert_to_numpy(self.candidate_kernel)[:, best].copy()
        column[d + k :] = 0.0
        kernel = keras.ops.convert_to_numpy(self.hidden_kernel).copy()
        kernel[:, k] = column
        bias = keras.ops.convert_to_numpy(self.hidden_bias).copy()
        bias[k] = keras.ops.convert_to_numpy(self.candidate_bias)[best]
        output = keras.ops.convert_to_numpy(self.output_kernel).copy()
        output[d + k] = 0.0
        self.hidden_kernel.assign(kernel)
        self.hidden_bias.assign(bias)
        self.output_kernel.assign(output)
        state[_UNITS] = k + 1
        self._restart_phase(state, OUTPUT, self.output_optimizer)
        self.growth_state.assign(state)
        row = self._growth_rows[-1] if self._growth_rows else {}  # empty after a reload
        row["correlation"] = float(found[best])
        if self.verbose:
            before = "".join(
                f", {key} before it {row[key]:.4f}" for key in ("loss", "accuracy") if key in row
            )
            print(f"unit {k + 1}: S = {found[best]:.3f}{before}")

    # ------------------------------------------------------------------ inputs
    def check_data(self, x, y, where: str) -> None:
        if y is None:
            return
        name, o = f"{where} y", self.output_dim
        hint = f" For output_activation={self.output_activation!r} pass " + (
            f"integer classes 0..{o - 1} or one-hot rows of {o}."
            if self.output_activation == "softmax"
            else f"targets of shape (N, {o})" + (" or (N,)." if o == 1 else ".")
        )
        if not isinstance(y, np.ndarray):  # a dataset's TensorSpec: check what it shows
            rank = y.shape.rank
            width = None if not rank else y.shape[-1]
            if self.output_activation == "softmax":
                ok = rank == 1 or (rank == 2 and width in (None, 1, o))
            else:
                ok = (rank == 2 and width in (None, o)) or (rank == 1 and o == 1)
            if rank is not None and not ok:
                raise ValueError(
                    f"`{name}` elements must match the {o} outputs; the dataset yields shape "
                    f"{tuple(y.shape)}.{hint}"
                )
            return
        if self.output_activation == "softmax":
            check_class_labels(name, y, o)
            return
        if y.ndim == 1 and o == 1:
            y = y[:, None]
        check_sample_shape(name, y, (o,), hint)
        if self.output_activation == "sigmoid" and ((y < 0) | (y > 1)).any():
            raise ValueError(
                f"`{name}`: targets of sigmoid outputs must lie in [0, 1] (0/1 labels); "
                f"received values in [{y.min():g}, {y.max():g}].{hint}"
            )


class _Growth(keras.callbacks.Callback):
    """Runs the growth state machine between epochs (added by `CascadeCorrelation.fit`).

    It comes first among the callbacks, so a user's `BackupAndRestore` saves the
    state after the epoch's transition, and it retraces the training step when
    the phase differs from the traced one (also after a restore).
    """

    def __init__(self, network: CascadeCorrelation):
        super().__init__()
        self.network = network

    def on_epoch_begin(self, epoch, logs=None):
        self.network._sync_train_function()

    def on_epoch_end(self, epoch, logs=None):
        self.network._advance(logs or {})
