"""The base's own behaviour, on two toy subclasses (the families are held to it by
tests/conformance)."""

import io
from contextlib import redirect_stdout

import keras
import numpy as np
import pytest
import tensorflow as tf

import mlzoo
from mlzoo.models import DirectedMean, ZooModel


@keras.saving.register_keras_serializable(package="mlzoo_tests")
class MeanShift(ZooModel):
    """Moves a centre towards each batch mean: c <- c + rate (mean(x) - c); logs its distance."""

    uses_optimizer = uses_loss = False
    supervised = supports_sample_weight = False
    config_exclude = ("x_init",)

    def __init__(self, width: int, rate: float = 0.5, x_init=None, **kwargs):
        super().__init__(**kwargs)
        start = np.zeros(width) if x_init is None else np.mean(x_init, 0)
        self.centre = self.add_weight(
            shape=(width,), initializer=keras.initializers.Constant(start), trainable=False
        )
        self.rate = rate
        self.distance = self.add_tracker("loss", "min")
        self.built = True

    @property
    def feature_shape(self):
        return tuple(self.centre.shape)

    def call(self, x):
        return x - self.centre

    def train_step(self, data):
        x = keras.ops.cast(data[0] if isinstance(data, tuple) else data, "float32")
        shift = keras.ops.mean(x, 0) - self.centre
        self.distance.update_state(keras.ops.norm(shift))
        self.centre.assign_add(self.rate * shift)
        return {"loss": self.distance.result()}


def _x(n=32, width=3):
    return np.random.default_rng(0).random((n, width)).astype("float32")


def test_config_is_the_constructor_arguments_without_data_arguments():
    model = MeanShift(3, rate=0.25, x_init=_x(), name="shift")
    config = model.get_config()
    assert config == {"name": "shift", "trainable": True, "width": 3, "rate": 0.25}
    assert MeanShift.from_config(config).rate == 0.25


def test_keras_objects_in_the_constructor_serialize():
    model = mlzoo.build_joint_mlp(4, 3, 2, kernel_initializer=keras.initializers.Ones())
    config = model.get_config()
    assert config["kernel_initializer"]["class_name"] == "Ones"
    clone = type(model).from_config(config)
    assert np.all(keras.ops.convert_to_numpy(clone.layers[1].kernel) == 1)


def test_compile_on_demand_and_refused_optimizer():
    model = MeanShift(3)
    with pytest.raises(ValueError, match="call compile\\(\\) without `optimizer`"):
        model.compile(optimizer="sgd")
    model.fit(_x(), epochs=1, verbose=0)
    assert model.compiled


def test_directed_tracker_drives_monitors_in_mode_auto():
    model = MeanShift(3)
    model.add_tracker("hits", "max")
    assert isinstance(model.metrics[0].metrics[0], DirectedMean)
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=0)
    model.fit(_x(), epochs=3, verbose=0, callbacks=[stop])
    assert stop.monitor_op is not None


def test_refused_sample_weight_and_labels_name_the_argument():
    model = MeanShift(3)
    with pytest.raises(ValueError, match="does not support `sample_weight`"):
        model.fit(_x(), sample_weight=np.ones(32), verbose=0)
    with pytest.raises(ValueError, match="takes no labels"):
        model.fit(_x(), np.zeros(32), verbose=0)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_nan_in_a_dataset_stops_fit_at_the_batch_graph_and_xla(jit_compile):
    x = _x()
    x[20, 1] = np.nan
    model = mlzoo.build_joint_mlp(3, 4, 2)
    model.compile(jit_compile=jit_compile)
    data = tf.data.Dataset.from_tensor_slices((x, np.zeros((32, 2), "float32"))).batch(8)
    with pytest.raises(ValueError, match="NaN or infinite values") as error:
        model.fit(data, verbose=0)
    assert "check_dataset_values = False" in str(error.value)
    assert all(np.isfinite(keras.ops.convert_to_numpy(w)).all() for w in model.weights)


def test_value_guard_opt_out():
    x = _x()
    x[20, 1] = np.nan
    model = MeanShift(3)
    model.check_dataset_values = False
    model.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), verbose=0)
    assert np.isnan(keras.ops.convert_to_numpy(model.centre)).any()  # NaN got through


def test_summary_lists_weights_held_outside_layers():
    model = MeanShift(3)
    text = io.StringIO()
    with redirect_stdout(text):
        model.summary()
    assert model.centre.path in text.getvalue()
    assert "All weights: 3 parameters (0 trainable)." in text.getvalue()


def test_export_needs_no_prior_call(tmp_path):
    model = MeanShift(3, x_init=_x())
    model.export(str(tmp_path / "export"), verbose=False)
    served = tf.saved_model.load(str(tmp_path / "export"))
    np.testing.assert_allclose(served.serve(tf.constant(_x())), model.predict(_x(), verbose=0))


def test_registry_lists_builds_and_suggests():
    assert "joint_mlp" in mlzoo.models.names()
    assert mlzoo.models.names("joint_*") == ["joint_mlp"]
    assert isinstance(
        mlzoo.models.get("joint_mlp", input_dim=3, hidden_units=2, output_dim=2), mlzoo.JointMLP
    )
    with pytest.raises(ValueError, match="Did you mean 'joint_mlp'"):
        mlzoo.models.get("joint_mpl")
