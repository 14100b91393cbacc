"""What every ART model shares: preallocated categories, the sequential presentation loop."""

from __future__ import annotations

import keras
import tensorflow as tf

from mlzoo._checks import check_fraction, check_positive_int
from mlzoo.models._training import add_state_weight, require_tensorflow
from mlzoo.models.art import _inputs
from mlzoo.models.art._presentation import categories, present_batch
from mlzoo.models.art._search import first_max
from mlzoo.models.zoo_model import ZooModel, _bind


class ARTModel(ZooModel):
    """Base of `FuzzyART`, `ART1` and `FuzzyARTMAP`: categories grow in preallocated weights.

    Rows [0, n_categories) of `category_weights` (max_categories, 2 * input_dim)
    are the committed categories, in the order they were committed; the count
    is a variable, so a `.keras` file holds the whole learned state. `fit`
    presents the samples one at a time, in order (ART is sequential): each
    sample resonates with the first category of the search that passes
    vigilance, or commits a new one. The loop runs XLA-compiled inside
    `train_step`; under `tf.distribute` every replica gathers the global batch
    and learns it whole, so the replicas stay identical to one device.

    Logs: `loss`, the mean mismatch 1 - |I ∧ w_J| / |I| between each sample I
    and the category J that codes it (in `fit`: J right after learning the
    sample; in `evaluate` and validation: J = the predicted category), and
    `categories`, the committed count (direction "max": `EarlyStopping(
    monitor="categories", patience=1)` stops once an epoch commits none).

    Subclasses define `_encode`, `_valid_features`, `_rule_parameters` and
    the static rules `_choice_and_match`, `_mismatch`, `_new_category` and
    `_learned` (see `_presentation`); supervised ones also `_class_indices`
    and `_valid_labels` (labels reach the steps only when `supervised`).
    """

    uses_optimizer = False
    uses_loss = False
    supports_sample_weight = False  # a resonance rule has no per-sample step size to weight
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
        self._mismatch_tracker = self.add_tracker("loss", "min")
        self._categories_tracker = self.add_tracker("categories", "max")
        self.built = True

    @property
    def feature_shape(self) -> tuple:
        return (self.input_dim,)

    @property
    def n_categories(self) -> int:
        """Number of committed categories."""
        return int(self.category_count.numpy())

    def committed_weights(self):
        """The committed rows of `category_weights`, numpy (n_categories, 2 * input_dim)."""
        return self.category_weights.numpy()[: self.n_categories]

    # ------------------------------------------------------------------ compile / entry points
    def configure_compile(self, args: dict) -> dict:
        """ART learns by resonance: no optimizer, loss or metrics; Keras' step is not jit-compiled.

        `steps_per_execution` and `run_eagerly` are honoured; the per-sample loop
        is XLA-compiled by the model itself.
        """
        name = type(self).__name__
        if args.get("metrics") is not None:
            raise ValueError(
                f"{name} logs its own metrics (`loss`: the mean mismatch; `categories`"
                f"{'; `accuracy`' if self.supervised else ''}): call compile() without `metrics`; "
                f"received metrics={args['metrics']!r}."
            )
        if args.get("jit_compile", False) not in (False, "auto"):
            raise ValueError(
                f"{name} XLA-compiles its own per-sample loop: call compile() without "
                f"`jit_compile`; received jit_compile={args['jit_compile']!r}."
            )
        return {**args, "jit_compile": False}

    def fit(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.fit`, presenting the samples in the given order unless `shuffle=True`."""
        call = _bind(keras.Model.fit, x, y, *args, **kwargs)
        call.setdefault("shuffle", False)
        call["callbacks"] = [*(call.get("callbacks") or []), _StopOnStatus()]
        history = super().fit(**call)
        self._raise_for_status("fit")
        return history

    def evaluate(self, x=None, y=None, *args, **kwargs):
        result = super().evaluate(x, y, *args, **kwargs)
        self._raise_for_status("evaluate")
        return result

    def predict(self, x, *args, **kwargs):
        result = super().predict(x, *args, **kwargs)
        self._raise_for_status("predict")
        return result

    def check_data(self, x, y, where: str) -> None:
        """Features in [0, 1] (ART1: 0 or 1); categories before `predict`/`evaluate`."""
        _inputs.check_features(self, x, where)
        if where in ("predict", "evaluate") and not self.n_categories:
            raise ValueError(f"{type(self).__name__} has no categories yet: call `fit` first.")

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
        state, status, mismatch, presented = present_batch(
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
        presented = tf.cast(presented, tf.float32)
        self._mismatch_tracker.update_state(
            tf.cast(tf.math.divide_no_nan(mismatch, tf.cast(presented, tf.float64)), tf.float32),
            sample_weight=presented,
        )
        return self._logs()

    def test_step(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        self._flag_invalid(x, y)
        self._update_test_trackers(x, y, self._categories_of(x))
        return self._logs()

    def _update_test_trackers(self, x, y, found):
        """`loss`: the mismatch of each sample with its predicted category `found`."""
        weights = tf.gather(tf.convert_to_tensor(self.category_weights), tf.maximum(found, 0))
        params = self._params()
        mismatch = type(self)._mismatch(params, self._encode(x), weights)
        self._mismatch_tracker.update_state(tf.cast(mismatch, tf.float32))

    def _logs(self) -> dict:
        self._categories_tracker.reset_state()
        self._categories_tracker.update_state(tf.cast(self.category_count, tf.float32))
        return {
            "loss": self._mismatch_tracker.result(),
            "categories": self._categories_tracker.result(),
        }

    def predict_step(self, data):
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        self._flag_invalid(x, None)
        return self(x)

    def call(self, inputs):
        """Category of each sample: the committed j of largest T_j (no vigilance); -1 if none."""
        return self._categories_of(inputs)

    def _categories_of(self, inputs):
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
