"""What every ART model shares: preallocated categories, the sequential presentation loop."""

from __future__ import annotations

import keras
import tensorflow as tf

from mlzoo._checks import check_fraction, check_positive_int
from mlzoo.models._checked_inputs import CheckedInputs
from mlzoo.models._training import add_state_weight, require_tensorflow
from mlzoo.models.art import _inputs
from mlzoo.models.art._presentation import categories, present_batch
from mlzoo.models.art._search import first_max


class ARTModel(CheckedInputs, keras.Model):
    """Base of `FuzzyART`, `ART1` and `FuzzyARTMAP`: categories grow in preallocated weights.

    Rows [0, n_categories) of `category_weights` (max_categories, 2 * input_dim)
    are the committed categories, in the order they were committed; the count
    is a variable, so a `.keras` file holds the whole learned state. `fit`
    presents the samples one at a time, in order (ART is sequential): each
    sample resonates with the first category of the search that passes
    vigilance, or commits a new one. The loop runs XLA-compiled inside
    `train_step`; under `tf.distribute` every replica gathers the global batch
    and learns it whole, so the replicas stay identical to one device.

    Subclasses define `_encode`, `_valid_features`, `_rule_parameters` and
    the static rules `_choice_and_match`, `_new_category` and `_learned` (see
    `_presentation`); supervised ones also `_class_indices` and `_valid_labels`
    (labels reach the steps only when `supervised`).
    """

    supervised = False
    binary_input = False

    def __init__(self, input_dim: int, max_categories: int, vigilance: float, **kwargs):
        require_tensorflow(type(self).__name__)
        super().__init__(dtype="float32", **kwargs)  # ART weights stay float32 under any policy
        self.input_dim = check_positive_int("input_dim", input_dim)
        self.max_categories = check_positive_int("max_categories", max_categories)
        self.vigilance = check_fraction("vigilance", vigilance)
        self.category_weights = add_state_weight(
            self, "category_weights", (self.max_categories, 2 * self.input_dim)
        )
        self.category_count = add_state_weight(self, "category_count", (), "int32")
        self._status = add_state_weight(self, "status", (), "int32")
        self.built = True

    @property
    def n_categories(self) -> int:
        """Number of committed categories."""
        return int(self.category_count.numpy())

    def committed_weights(self):
        """The committed rows of `category_weights`, numpy (n_categories, 2 * input_dim)."""
        return self.category_weights.numpy()[: self.n_categories]

    # ------------------------------------------------------------------ compile / entry points
    def compile(self, optimizer=None, loss=None, metrics=None, *, steps_per_execution=1, **kwargs):
        """Configure `fit`: ART learns by resonance, so there is no optimizer, loss or metric.

        Args:
            steps_per_execution: batches per traced call (state stays in variables).
            **kwargs: `run_eagerly`.
        """
        for arg, value in (("optimizer", optimizer), ("loss", loss), ("metrics", metrics)):
            if value is not None:
                raise ValueError(
                    f"{type(self).__name__} learns by resonance, not by gradients: call "
                    f"compile() without `{arg}`; received {arg}={value!r}."
                )
        super().compile(steps_per_execution=steps_per_execution, jit_compile=False, **kwargs)

    def compile_from_config(self, config):
        config = keras.saving.deserialize_keras_object(config)
        self.compile(
            steps_per_execution=config.get("steps_per_execution", 1),
            run_eagerly=config.get("run_eagerly", False),
        )

    def fit(self, x=None, y=None, *args, callbacks=None, shuffle=False, **kwargs):
        """`keras.Model.fit`, presenting the samples in the given order unless `shuffle=True`."""
        if not self.compiled:
            self.compile()
        callbacks = [*(callbacks or []), _StopOnStatus()]
        history = super().fit(x, y, *args, callbacks=callbacks, shuffle=shuffle, **kwargs)
        self._raise_for_status("fit")
        return history

    def evaluate(self, x=None, y=None, *args, **kwargs):
        if not self.compiled:
            self.compile()
        result = super().evaluate(x, y, *args, **kwargs)
        self._raise_for_status("evaluate")
        return result

    def predict(self, x, *args, **kwargs):
        if not self.n_categories:
            raise ValueError(f"{type(self).__name__} has no categories yet: call `fit` first.")
        result = super().predict(x, *args, **kwargs)
        self._raise_for_status("predict")
        return result

    def _check_xy(self, x, y, where: str) -> None:
        _inputs.check_features(self, x, where)
        _inputs.check_labels(self, x, y, where)

    def _raise_for_status(self, where: str) -> None:
        status = int(self._status.numpy())
        if status != _inputs.OK:
            self._status.assign(_inputs.OK)
            raise ValueError(_inputs.status_message(self, status, where))

    # ------------------------------------------------------------------ steps
    def train_step(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        x = tf.ensure_shape(_global_batch(x), [None, self.input_dim])
        y = _global_batch(y)
        self._flag_invalid(x, y)
        labels = None if y is None else self._class_indices(y)
        state = tuple(map(tf.convert_to_tensor, self._state_variables()))
        state, status = present_batch(
            type(self),
            self._params(),
            self._encode(x),
            labels,
            state,
            tf.convert_to_tensor(self._status),
        )
        for variable, value in zip(self._state_variables(), state, strict=True):
            variable.assign(value)
        self._status.assign(status)
        return {"categories": tf.convert_to_tensor(self.category_count)}

    def test_step(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        self._flag_invalid(x, y)
        return {"categories": tf.convert_to_tensor(self.category_count)}

    def predict_step(self, data):
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        self._flag_invalid(x, None)
        return self(x)

    def call(self, inputs):
        """Category of each sample: the committed j of largest T_j (no vigilance); -1 if none."""
        return categories(
            type(self),
            self._params(),
            self._encode(inputs),
            tf.convert_to_tensor(self.category_weights),
            tf.convert_to_tensor(self.category_count),
        )

    def _state_variables(self) -> tuple:
        return self.category_weights, self.category_count

    def _params(self) -> dict:
        """The hyper-parameters the rules read, as float64 tensors."""
        parameters = self._rule_parameters()
        return {name: tf.constant(value, tf.float64) for name, value in parameters.items()}

    def _rule_parameters(self) -> dict:
        return {"vigilance": self.vigilance}

    def _flag_invalid(self, x, y) -> None:
        code = tf.where(self._valid_features(x), _inputs.OK, _inputs.BAD_FEATURES)
        if y is not None:
            code = tf.where((code == _inputs.OK) & ~self._valid_labels(y), _inputs.BAD_LABELS, code)
        code = tf.reduce_max(_global_batch(code[None]))  # the same on every replica
        self._status.assign(tf.where(self._status == _inputs.OK, code, self._status))

    # ------------------------------------------------------------------ rules (static, for XLA)
    @staticmethod
    def _resonant_category(params, choice, match, committed, label, state):
        """J = argmax T_j over committed j with M_j >= rho: the search order's first match."""
        return first_max(choice, committed & (match >= params["vigilance"]))

    @staticmethod
    def _learned_state(state, weights, count, index, commit, label) -> tuple:
        return weights, count + tf.cast(commit, tf.int32)

    # ------------------------------------------------------------------ config
    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "input_dim": self.input_dim,
            "max_categories": self.max_categories,
            "vigilance": self.vigilance,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _StopOnStatus(keras.callbacks.Callback):
    """Stop `fit` at the batch that set an error status; `fit` then raises it."""

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model._status.numpy()) != _inputs.OK:
            self.model.stop_training = True

    on_test_batch_end = on_train_batch_end


def _global_batch(tensor):
    """The whole global batch, in order, on every replica (identity on one device)."""
    context = tf.distribute.get_replica_context()
    if tensor is None or context is None or context.num_replicas_in_sync == 1:
        return tensor
    return context.all_gather(tensor, axis=0)
