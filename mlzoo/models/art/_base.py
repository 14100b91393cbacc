"""What every ART model shares: preallocated categories, the sequential presentation loop."""

from __future__ import annotations

import keras
from keras import ops

from mlzoo._checks import check_fraction, check_positive_int
from mlzoo.models._training import add_state_weight, replica_gather
from mlzoo.models.art import _inputs
from mlzoo.models.art._presentation import categories, present_batch
from mlzoo.models.art._search import first_max, sum_dtype
from mlzoo.models.zoo_model import ZooModel, _bind


class ARTModel(ZooModel):
    """Base of `FuzzyART`, `ART1` and `FuzzyARTMAP`: categories grow in preallocated weights.

    Rows [0, n_categories) of `category_weights` (max_categories, 2 * input_dim)
    are the committed categories, in the order they were committed; the count
    is a variable, so a `.keras` file holds the whole learned state. `fit`
    presents the samples one at a time, in order (ART is sequential): each
    sample resonates with the first category of the search that passes
    vigilance, or commits a new one. The loop runs XLA-compiled inside
    `train_step`, in `keras.ops` (TensorFlow and JAX); under `tf.distribute`
    every replica gathers the global batch and learns it whole, so the
    replicas stay identical to one device (a JAX step sees the global batch).

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
        """ART learns by resonance: no optimizer, loss or metrics; the model picks `jit_compile`.

        `steps_per_execution` and `run_eagerly` are honoured. The per-sample loop
        is XLA-compiled by the model itself; TensorFlow runs Keras' step around it
        as a graph, JAX compiles the whole step (unless `run_eagerly`).
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
        return {**args, "jit_compile": "auto" if keras.backend.backend() == "jax" else False}

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
        x = ops.reshape(replica_gather(x), [-1, self.input_dim])
        y = replica_gather(y)
        self._flag_invalid(x, y)
        labels = None if y is None else self._class_indices(y)
        state = tuple(map(read, self._state_variables()))
        state, status, mismatch, presented = present_batch(
            type(self),
            self._params(),
            self._encode(x),
            labels,
            state,
            read(self._status),
        )
        for variable, value in zip(self._state_variables(), state, strict=True):
            variable.assign(value)
        self._status.assign(status)
        presented = ops.cast(presented, "float32")
        mean = ops.divide_no_nan(mismatch, ops.cast(presented, mismatch.dtype))
        self._mismatch_tracker.update_state(ops.cast(mean, "float32"), sample_weight=presented)
        return self._logs()

    def test_step(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        self._flag_invalid(x, y)
        self._update_test_trackers(x, y, self._categories_of(x))
        return self._test_logs()

    def _test_logs(self) -> dict:
        return self._logs()

    def _update_test_trackers(self, x, y, found):
        """`loss`: the mismatch of each sample with its predicted category `found`."""
        weights = ops.take(read(self.category_weights), ops.maximum(found, 0), axis=0)
        mismatch = type(self)._mismatch(self._params(), self._encode(x), weights)
        self._mismatch_tracker.update_state(ops.cast(mismatch, "float32"))

    def _logs(self) -> dict:
        self._categories_tracker.reset_state()
        self._categories_tracker.update_state(ops.cast(read(self.category_count), "float32"))
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
            read(self.category_weights),
            read(self.category_count),
        )

    def _state_variables(self) -> tuple:
        return self.category_weights, self.category_count

    def _params(self) -> dict:
        """The hyper-parameters the rules read, as `sum_dtype` tensors."""
        dtype = sum_dtype()
        return {k: ops.convert_to_tensor(v, dtype) for k, v in self._rule_parameters().items()}

    def _rule_parameters(self) -> dict:
        return {"vigilance": self.vigilance}

    def _flag_invalid(self, x, y) -> None:
        code = ops.where(self._valid_features(x), _inputs.OK, _inputs.BAD_FEATURES)
        if y is not None:
            bad_labels = (code == _inputs.OK) & ~self._valid_labels(y)
            code = ops.where(bad_labels, _inputs.BAD_LABELS, code)
        code = ops.max(replica_gather(code[None]))  # the same on every replica
        status = read(self._status)
        self._status.assign(ops.where(status == _inputs.OK, code, status))

    # ------------------------------------------------------------------ rules (static, for XLA)
    @staticmethod
    def _resonant_category(params, choice, match, committed, label, state):
        """J = argmax T_j over committed j with M_j >= rho: the search order's first match."""
        return first_max(choice, committed & (match >= params["vigilance"]))

    @staticmethod
    def _learned_state(state, weights, count, index, commit, label) -> tuple:
        return weights, count + ops.cast(commit, "int32")


class _StopOnStatus(keras.callbacks.Callback):
    """Stop `fit` at the batch that set an error status; `fit` then raises it."""

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model._status.numpy()) != _inputs.OK:
            self.model.stop_training = True

    on_test_batch_end = on_train_batch_end


def read(variable):
    """A tensor of `variable`'s current value (on JAX: the step's state), not the variable."""
    return ops.copy(variable)
