"""`ZooModel`: the one contract every mlzoo model follows."""

from __future__ import annotations

import functools
import inspect
import sys
from typing import Any, ClassVar

import keras
import numpy as np

# The class Keras makes a model built from inputs/outputs into (see ZooModel.__init__).
from keras.src.models.functional import Functional

# The container Keras' monitors (EarlyStopping, ModelCheckpoint, ReduceLROnPlateau) search
# for a metric's direction in mode="auto"; Keras offers no public route for it.
from keras.src.trainers.compile_utils import MetricsList

from mlzoo import _checks
from mlzoo.models._training import SUPPORTED

_DIRECTIONS = {"min": "down", "max": "up"}


class DirectedMean(keras.metrics.Mean):
    """A running mean that tells Keras' monitors whether lower or higher is better.

    Args:
        name: the log key.
        direction: "min" (an error, a loss) or "max" (an accuracy, a likelihood).
    """

    def __init__(self, name: str, direction: str = "min", dtype=None):
        super().__init__(name=name, dtype=dtype)
        _checks.check_choice("direction", direction, tuple(_DIRECTIONS))
        self.direction = direction
        self._direction = _DIRECTIONS[direction]  # the attribute Keras' monitors read

    def get_config(self) -> dict:
        return {**super().get_config(), "direction": self.direction}


class _Trackers(MetricsList):
    """The model's own metrics, in the container Keras' monitors look into."""

    def result(self) -> dict:
        return {metric.name: metric.result() for metric in self.metrics}


def _is_dataset(x) -> bool:
    """Whether `x` is a `tf.data.Dataset` (without importing TensorFlow for JAX users)."""
    tf = sys.modules.get("tensorflow")
    return tf is not None and isinstance(x, tf.data.Dataset)


def _guarded(step):
    """`step` that first checks its batch for NaN/inf when the model asks (`_step_guard`).

    On JAX every step is XLA-compiled, so datasets are checked as they are read
    instead (see `ZooModel._checked`) and `step` is returned as it is.
    """
    if getattr(step, "_mlzoo_guarded", False) or keras.backend.backend() != "tensorflow":
        return step

    @functools.wraps(step)
    def guarded(self, data):
        if self.__dict__.get("_step_guard", False):
            data = _checks.assert_finite_batch(data)
        return step(self, data)

    guarded._mlzoo_guarded = True
    return guarded


# The state Keras' JAX trainer hands each step, in order.
_JAX_STATE = {
    "train_step": (
        "trainable_variables",
        "non_trainable_variables",
        "optimizer_variables",
        "metrics_variables",
    ),
    "test_step": ("trainable_variables", "non_trainable_variables", "metrics_variables"),
    "predict_step": ("trainable_variables", "non_trainable_variables"),
}


def _is_stateful(step) -> bool:
    """Whether `step` is written `step(self, data)` (stateful), not `step(self, *args)`."""
    parameters = list(inspect.signature(step).parameters.values())
    return len(parameters) == 2 and all(p.kind is p.POSITIONAL_OR_KEYWORD for p in parameters)


def _stateless(name: str, step):
    """The stateful `step(self, data)` as Keras' JAX trainer calls it: `(state, data)`.

    The step runs inside a `keras.StatelessScope` that maps every variable to
    its value in `state`; what it assigns is collected into the new state.
    Called with the batch alone (a subclass's stateful step calling
    `super().train_step(data)`, already inside the scope) it runs as written.
    """
    groups = _JAX_STATE[name]

    @functools.wraps(step)
    def stateless(self, *args):
        if len(args) == 1:  # `super().train_step(data)` from a subclass's stateful step
            return step(self, *args)
        state, data = args
        refs = [self._jax_state_group(group) for group in groups]
        pairs = (zip(r, s, strict=True) for r, s in zip(refs, state, strict=True))
        mapping = [pair for group in pairs for pair in group]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            outputs = step(self, data)
        new_state = tuple(
            [_current(scope, ref, value) for ref, value in zip(r, s, strict=True)]
            for r, s in zip(refs, state, strict=True)
        )
        if name == "predict_step":
            return outputs, new_state[1]
        return outputs, new_state

    stateless._mlzoo_stateless = True
    return stateless


def _current(scope, variable, value):
    new = scope.get_current_value(variable)
    return value if new is None else new


def _adapted(name: str, step):
    """`step` guarded (TensorFlow) or made stateless (JAX, when written statefully)."""
    step = _guarded(step)
    if keras.backend.backend() == "jax" and _is_stateful(step):
        return _stateless(name, step)
    return step


class ZooModel(keras.Model):
    """Base of every mlzoo model: one config, compile, input and logging convention.

    A subclass gets, without writing them:

    - **config**: `get_config` returns the constructor's arguments (captured at
      construction, Keras objects serialized), `from_config` calls the
      constructor with them. Arguments that only initialise weights (data,
      e.g. `x_init`) are listed in `config_exclude`.
    - **compile**: `compile()` fills what the user leaves out from
      `compile_defaults()`; `fit`/`evaluate` compile with the defaults when the
      user has not. Models that learn without an optimizer or loss set
      `uses_optimizer` / `uses_loss` to False and passing one is an error.
      Family-specific compile arguments are consumed in `configure_compile`.
      The compile arguments are saved and restored with the model.
    - **inputs**: `fit`, `evaluate` and `predict` check arrays (at least one
      row, numeric, finite, magnitudes that cannot overflow float32, the
      feature shape `feature_shape`, matching row counts, sample weights) and
      the family's own rules (`check_data`) before Keras traces anything; a
      `tf.data.Dataset` has its element spec checked, and every batch is
      checked for NaN/inf as it arrives (`check_dataset_values`): inside the
      traced step, or as a `tf.data` map where the step is XLA-compiled (XLA
      drops numeric checks). Every mistake is a `ValueError` naming the
      argument and the fix.
    - **logs**: metrics made with `add_tracker(name, direction)` carry their
      direction, so `EarlyStopping(monitor=...)` works in `mode="auto"`.
    - **summary**, **export**: `summary()` lists every weight, also those held
      outside layers; `export()` needs no prior call.
    - **backends**: TensorFlow and JAX (`mlzoo.models._training.SUPPORTED`);
      building a model on another backend is a `RuntimeError` naming them. A
      family writes its `train_step`/`test_step`/`predict_step(self, data)` once,
      statefully, in `keras.ops` (gradients from
      `mlzoo.models._training.value_and_gradients`); on JAX the base runs it in
      a `keras.StatelessScope` over the trainer's state, so the same code is
      Keras' stateless JAX step. A step that only rewrites the batch may take
      `(self, *args)` and hand `*state, data` on to Keras' own step.

    Subclasses set `feature_shape` (non-functional models) and may override
    `check_data`, `compile_defaults` and `configure_compile`; register the
    builder with `mlzoo.models.registry.register`.
    """

    #: constructor arguments left out of `get_config` (they only initialise weights).
    config_exclude: ClassVar[tuple[str, ...]] = ()
    #: whether `compile` takes an optimizer / a loss.
    uses_optimizer: ClassVar[bool] = True
    uses_loss: ClassVar[bool] = True
    #: compile arguments of the family beyond Keras' own (consumed by `configure_compile`).
    compile_extras: ClassVar[tuple[str, ...]] = ()
    #: whether `fit`/`evaluate` honour `sample_weight` (else passing one is an error).
    supports_sample_weight: ClassVar[bool] = True
    #: whether `fit` takes labels.
    supervised: ClassVar[bool] = True
    #: check every batch for NaN/inf as it arrives (set False on an instance to opt out).
    check_dataset_values: bool = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in _JAX_STATE:
            if name in vars(cls):
                setattr(cls, name, _adapted(name, vars(cls)[name]))

    def __new__(cls, *args, **kwargs):
        backend = keras.backend.backend()
        if backend not in SUPPORTED:
            raise RuntimeError(
                f"{cls.__name__} trains on the Keras backends {' and '.join(SUPPORTED)}; "
                f"KERAS_BACKEND is {backend!r}. Set KERAS_BACKEND=jax or tensorflow before "
                "importing keras (mlzoo's layers, losses and callbacks work on any backend)."
            )
        model = super().__new__(cls, *args, **kwargs)
        model._constructor_args = _bound_arguments(cls, args, kwargs)
        return model

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A subclass built from inputs/outputs: Keras makes it functional by rewriting the
        # bases of every class up to keras.Model - ZooModel's too, which would turn every
        # later non-functional family into a Functional. Keep ZooModel plain; only the
        # subclass becomes functional.
        if ZooModel.__bases__ != (keras.Model,):
            ZooModel.__bases__ = (keras.Model,)
            cls = type(self)
            if Functional not in cls.__mro__:
                cls.__bases__ = (*cls.__bases__, Functional)

    train_step = _guarded(keras.Model.train_step)
    test_step = _guarded(keras.Model.test_step)
    predict_step = _guarded(keras.Model.predict_step)

    # ------------------------------------------------------------------ config
    def get_config(self) -> dict:
        config = {"name": self.name, "trainable": self.trainable}
        for key, value in self._constructor_args.items():
            if key not in self.config_exclude and key not in config:
                config[key] = keras.saving.serialize_keras_object(value)
        # The family's compile arguments travel here, not in the compile config, which
        # `keras.models.clone_model` hands to a plain Functional's `compile`.
        compiled = getattr(self, "_compile_args", None) or {}
        extras = {k: v for k, v in compiled.items() if k in self.compile_extras}
        if extras:
            config["compile_extras"] = keras.saving.serialize_keras_object(extras)
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        extras = keras.saving.deserialize_keras_object(config.pop("compile_extras", None))
        model = cls(**{key: keras.saving.deserialize_keras_object(v) for key, v in config.items()})
        model._restored_compile_extras = extras or {}  # for `compile_from_config`
        return model

    # ------------------------------------------------------------------ compile
    def compile_defaults(self) -> dict:
        """Compile arguments used where the user passes none (fresh objects per call)."""
        return {"optimizer": "rmsprop"} if self.uses_optimizer else {}

    def configure_compile(self, args: dict) -> dict:
        """Consume the family's own compile arguments; return those for `keras.Model.compile`."""
        return args

    def compile(self, optimizer=None, loss=None, metrics=None, **kwargs):
        """`keras.Model.compile`, with the model's defaults for what is left out."""
        name = type(self).__name__
        for arg, value, used in (
            ("optimizer", optimizer, self.uses_optimizer),
            ("loss", loss, self.uses_loss),
        ):
            if value is not None and not used:
                raise ValueError(
                    f"{name} does not learn by a gradient {arg}: call compile() without "
                    f"`{arg}`; received {arg}={value!r}."
                )
        given = {"optimizer": optimizer, "loss": loss, "metrics": metrics, **kwargs}
        given = {key: value for key, value in given.items() if value is not None}
        self._compile_args = {**self.compile_defaults(), **given}  # what a reload repeats
        keras_args = self.configure_compile(dict(self._compile_args))
        if not self.uses_optimizer:
            keras_args.setdefault("optimizer", None)  # not Keras' default RMSprop
        super().compile(**keras_args)

    def get_compile_config(self) -> dict | None:
        if not self.compiled:
            return None
        # never empty: Keras skips `compile_from_config` for an empty config
        args = {"steps_per_execution": self.steps_per_execution, **self._compile_args}
        args = {k: v for k, v in args.items() if k not in self.compile_extras}  # see get_config
        return keras.saving.serialize_keras_object(args)

    def compile_from_config(self, config: dict) -> None:
        extras = self.__dict__.get("_restored_compile_extras") or {}
        self.compile(**keras.saving.deserialize_keras_object(config), **extras)
        if self.uses_optimizer and self.built:
            self.optimizer.build(self.trainable_variables)

    def _compile_if_needed(self) -> None:
        if not self.compiled:
            self.compile()

    # ------------------------------------------------------------------ logs
    def add_tracker(self, name: str, direction: str = "min") -> DirectedMean:
        """A running mean logged as `name` whose direction Keras' monitors can read."""
        if "_trackers" not in self.__dict__:
            self._trackers = _Trackers([], name="trackers")
        tracker = DirectedMean(name, direction)
        self._trackers.metrics.append(tracker)
        return tracker

    @property
    def metrics(self):
        own = self.__dict__.get("_trackers")
        if own is None:
            return super().metrics
        names = {metric.name for metric in own.metrics}
        return [own] + [m for m in super().metrics if m is not own and m.name not in names]

    def _flatten_metrics_in_order(self, logs):
        """`evaluate`'s list in Keras' order (`loss` first), the own trackers unpacked."""
        own = self.__dict__.get("_trackers")
        if own is None or not isinstance(logs, dict):
            return super()._flatten_metrics_in_order(logs)
        names = sorted((m.name for m in own.metrics if m.name in logs), key=lambda n: n != "loss")
        rest = {key: value for key, value in logs.items() if key not in names}
        values = [logs[name] for name in names]
        if rest:
            flat = super()._flatten_metrics_in_order(rest)
            values += flat if isinstance(flat, list) else [flat]
        return values[0] if len(values) == 1 else values

    # ------------------------------------------------------------------ inputs
    @property
    def feature_shape(self) -> tuple:
        """Shape of one input sample (without the batch axis); `None` = any size."""
        inputs = getattr(self, "inputs", None)
        if inputs:
            return tuple(inputs[0].shape[1:])
        raise NotImplementedError(f"{type(self).__name__} must define `feature_shape`.")

    def check_data(self, x, y, where: str) -> None:
        """The family's own rules (value range, label format, ...).

        Called after the generic checks with numpy arrays, or with the
        `tf.TensorSpec`s of a dataset's elements (then check what a spec shows:
        ranks and widths). `y` is None for `predict` and unsupervised models;
        `where` is "fit", "validation", "evaluate" or "predict".
        """

    def _checked(self, where: str, x, y, sample_weight=None):
        """Check one (x, y, sample_weight) triple; returns x (a dataset gets a value guard)."""
        name = type(self).__name__
        if _is_dataset(x):
            if y is not None:
                raise ValueError(
                    f"`{where}` received a tf.data.Dataset and `y`: a dataset carries its own "
                    "labels; pass them inside its elements as (x, y)."
                )
            x_spec, y_spec, w_spec = keras.utils.unpack_x_y_sample_weight(x.element_spec)
            if w_spec is not None and not self.supports_sample_weight:
                _checks.reject_sample_weight(name, where)
            if y_spec is not None and not self.supervised and where != "predict":
                _checks.reject_labels(name, where)
            _checks.check_spec_shape(f"{where} x", x_spec, self.feature_shape)
            self.check_data(x_spec, y_spec, where)
            if self.check_dataset_values and self._step_is_xla():
                return _checks.guard_dataset(x, where)
            return x
        if not hasattr(x, "shape") and not isinstance(x, list):
            return x  # a generator or PyDataset: Keras' own path
        x_values = _checks.check_batch(f"{where} x", x, self.feature_shape)
        if y is not None:
            if not self.supervised:
                _checks.reject_labels(name, where)
            y_values = _checks.check_batch(f"{where} y", y, None, rows=len(x_values))
        else:
            y_values = None
            if self.supervised and where in ("fit", "evaluate", "validation"):
                raise ValueError(f"{name}.{where} needs labels: call {where}(x, y).")
        if sample_weight is not None:
            if not self.supports_sample_weight:
                _checks.reject_sample_weight(name, where)
            _checks.check_sample_weight(f"{where} sample_weight", sample_weight, len(x_values))
        self.check_data(x_values, y_values, where)
        return x

    def _step_is_xla(self) -> bool:
        """Whether the step drops numeric checks: XLA-compiled, as every JAX step is."""
        return keras.backend.backend() == "jax" or (self.compiled and self.jit_compile is True)

    def _jax_state_group(self, group: str) -> list:
        """The variables of one part of the JAX trainer's state (none without an optimizer)."""
        if group == "optimizer_variables":
            return self.optimizer.variables if self.optimizer is not None else []
        return getattr(self, group)

    def _get_jax_state(self, *args, optimizer_variables=False, **kwargs):
        # Keras' JAX trainer reads `self.optimizer.variables` unguarded; a model that
        # learns without an optimizer (ART, SOM, RBM) has an empty optimizer state.
        if not optimizer_variables or self.optimizer is not None:
            return super()._get_jax_state(*args, optimizer_variables=optimizer_variables, **kwargs)
        state = list(super()._get_jax_state(*args, **kwargs))
        before = sum(bool(kwargs.get(k)) for k in _JAX_STATE["train_step"][:2])
        state.insert(before, [])
        return tuple(state)

    def _run(self, where: str, method, *args, **kwargs):
        guard = self.check_dataset_values and not self._step_is_xla()
        if guard != self.__dict__.get("_step_guard", guard):  # retrace with the new setting
            self.train_function = self.test_function = self.predict_function = None
        self._step_guard = guard
        tf = sys.modules.get("tensorflow")
        caught = tf.errors.InvalidArgumentError if tf is not None else ()
        # Keras' JAX trainer detaches the variables' values while it runs; a run that
        # fails before its first step would leave them detached.
        held = [(v, v._value) for v in self._all_variables()]
        try:
            return method(*args, **kwargs)
        except caught as error:
            message = _checks.guard_message(error)
            if message is None:
                raise
            raise ValueError(message) from None
        except (StopIteration, UnboundLocalError):  # Keras' trainers on a dataset of no batch
            raise ValueError(
                f"{type(self).__name__}.{where} received no batches: the dataset is empty. "
                "Check its filters and `take`/`skip` sizes."
            ) from None
        finally:
            for variable, value in held:
                if variable._value is None:
                    variable._value = value

    def _all_variables(self) -> list:
        """Every variable a step reads or writes: the model's, the optimizer's, the metrics'."""
        if keras.backend.backend() != "jax":
            return []
        optimizer = self.optimizer.variables if self.compiled and self.optimizer else []
        # `non_trainable_variables`: a model may list state beyond its weights (ElmanNetwork)
        return [*self.variables, *self.non_trainable_variables, *optimizer, *self.metrics_variables]

    def fit(self, x=None, y=None, *args, **kwargs):
        call = _bind(keras.Model.fit, x, y, *args, **kwargs)
        self._compile_if_needed()
        if call.get("class_weight") is not None and not self.supports_sample_weight:
            _checks.reject_sample_weight(type(self).__name__, "fit", "class_weight")
        call["x"] = self._checked("fit", call["x"], call.get("y"), call.get("sample_weight"))
        call["y"] = self._weight_carrier(call["x"], call.get("y"), call.get("sample_weight"))
        validation = call.get("validation_data")
        if validation is not None:
            if _is_dataset(validation):
                call["validation_data"] = self._checked("validation", validation, None)
            else:
                # Keras takes a bare array as (x,): an unsupervised model's validation data
                x_val, y_val, w_val = keras.utils.unpack_x_y_sample_weight(validation)
                self._checked("validation", x_val, y_val, w_val)
                if w_val is not None:
                    y_val = self._weight_carrier(x_val, y_val, w_val)
                    call["validation_data"] = (x_val, y_val, w_val)
        counter = _EpochCounter()
        call["callbacks"] = [*(call.get("callbacks") or []), counter]
        history = self._run("fit", super().fit, **call)
        if counter.begun and not counter.logged:
            raise ValueError(
                f"{type(self).__name__}.fit received no batches: the dataset is empty. Check "
                "its filters and `take`/`skip` sizes."
            )
        return history

    def evaluate(self, x=None, y=None, *args, **kwargs):
        call = _bind(keras.Model.evaluate, x, y, *args, **kwargs)
        self._compile_if_needed()
        call["x"] = self._checked("evaluate", call["x"], call.get("y"), call.get("sample_weight"))
        call["y"] = self._weight_carrier(call["x"], call.get("y"), call.get("sample_weight"))
        return self._run("evaluate", super().evaluate, **call)

    def _weight_carrier(self, x, y, sample_weight):
        """`y`, or for an unsupervised model given sample weights, empty (N, 0) labels.

        Keras drops `sample_weight` without labels; beside empty labels it reaches
        the steps, which unpack it with `keras.utils.unpack_x_y_sample_weight`.
        """
        if self.supervised or y is not None or sample_weight is None or not hasattr(x, "shape"):
            return y
        return np.zeros((len(x), 0), "float32")

    def predict(self, x, *args, **kwargs):
        call = _bind(keras.Model.predict, x, *args, **kwargs)
        call["x"] = self._checked("predict", call["x"], None)
        return self._run("predict", super().predict, **call)

    # ------------------------------------------------------------------ summary / export
    def summary(self, *args, print_fn=None, **kwargs) -> None:
        """`keras.Model.summary`, followed by every weight held outside the listed layers."""
        lines: list[str] = []

        def collect(line, **_):
            lines.append(line)

        super().summary(*args, print_fn=collect, **kwargs)
        listed = {id(w) for layer in self.layers for w in layer.weights}
        extra = [w for w in self.weights if id(w) not in listed]
        if extra:
            lines.append("Weights held outside the layers above:")
            for weight in extra:
                kind = "trainable" if weight.trainable else "non-trainable"
                lines.append(f"  {weight.path:<48} {tuple(weight.shape)!s:<16} {kind}")
        total = sum(int(np.prod(w.shape)) for w in self.weights)
        trainable = sum(int(np.prod(w.shape)) for w in self.trainable_weights)
        lines.append(f"All weights: {total:,} parameters ({trainable:,} trainable).")
        emit = print_fn or print
        for line in lines:
            emit(line)

    def export(self, filepath, format="tf_saved_model", verbose=None, input_signature=None, **kw):
        """`keras.Model.export`; the input signature comes from `feature_shape` when omitted."""
        if input_signature is None and not getattr(self, "inputs", None):
            spec = keras.InputSpec(shape=(None, *self.feature_shape), dtype="float32")
            input_signature = [spec]
        return super().export(
            filepath, format=format, verbose=verbose, input_signature=input_signature, **kw
        )


class _EpochCounter(keras.callbacks.Callback):
    """Counts epochs begun and epochs that logged a result: an epoch of an empty dataset
    logs nothing, a resumed run past its last epoch begins none (no batch hooks: no sync)."""

    def __init__(self):
        super().__init__()
        self.begun = self.logged = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.begun += 1

    def on_epoch_end(self, epoch, logs=None):
        self.logged += bool(logs)


def _bound_arguments(cls, args, kwargs) -> dict[str, Any]:
    """The constructor's arguments by name (`**kwargs` flattened); {} if they do not bind."""
    signature = inspect.signature(cls.__init__)
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError:
        return {}  # __init__ raises the user-facing error
    arguments = dict(bound.arguments)
    arguments.pop(next(iter(signature.parameters)))
    for name, parameter in signature.parameters.items():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            arguments.update(arguments.pop(name, {}))
        elif parameter.kind is inspect.Parameter.VAR_POSITIONAL and arguments.get(name):
            raise TypeError(f"{cls.__name__} takes no variable positional arguments.")
    return arguments


def _bind(method, *args, **kwargs) -> dict:
    """`args`/`kwargs` of a Keras `fit`/`evaluate`/`predict` call as one dict by name."""
    bound = inspect.signature(method).bind(None, *args, **kwargs)
    arguments = dict(bound.arguments)
    arguments.pop("self")
    arguments.update(arguments.pop("kwargs", {}))
    return arguments
