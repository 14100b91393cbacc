import keras
import numpy as np
import pytest
import tensorflow as tf

from mlzoo.datasets.elman_streams import letter_stream, stream_batches
from mlzoo.models.elman import ElmanNetwork, build_elman_network


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.fixture
def letters():
    """Two next-letter sequences of 30 steps: x, y of shape (2, 30, 6)."""
    stream = letter_stream(40, seed=0)
    return stream.inputs[:60].reshape(2, 30, 6), stream.targets[:60].reshape(2, 30, 6)


def test_matches_the_elman_recurrence_by_hand():
    model = build_elman_network(3, 4, 2, output_activation=None)
    x = np.random.default_rng(0).random((2, 5, 3)).astype("float32")
    W, U, b = model.get_layer("hidden").get_weights()
    V, c = model.get_layer("output").get_weights()
    context = np.zeros((2, 4))
    expected = []
    for t in range(5):
        context = sigmoid(x[:, t] @ W + context @ U + b)  # h_t = f(W x_t + U h_{t-1} + b)
        expected.append(context @ V + c)  # y_t = g(V h_t + c), g = identity here
    np.testing.assert_allclose(model.predict(x, verbose=0), np.stack(expected, 1), atol=1e-5)
    assert model.output_shape == (None, None, 2)


def test_stateful_chunks_give_the_whole_sequence_outputs(letters):
    x = letters[0]
    whole = build_elman_network(6, 8, 6)
    streaming = build_elman_network(6, 8, 6, stateful=True, batch_size=2)
    streaming.set_weights(whole.get_weights())
    chunks = [
        streaming.predict(x[:, t : t + 7], verbose=0, continue_stream=t > 0)
        for t in range(0, 30, 7)
    ]
    np.testing.assert_allclose(np.concatenate(chunks, 1), whole.predict(x, verbose=0), atol=1e-6)
    # the context carried the stream along; a plain predict starts a new one
    np.testing.assert_allclose(streaming.predict(x[:, :7], verbose=0), chunks[0], atol=1e-6)


def test_stateful_predict_and_evaluate_are_deterministic(letters):
    """Issue 15: predict started from the context training left, so two calls differed."""
    x, y = letters
    model = build_elman_network(6, 8, 6, stateful=True, batch_size=2)
    model.compile(keras.optimizers.Adam(0.05), "mse")
    model.fit(x, y, epochs=2, verbose=0)  # leaves a non-zero context behind
    first = model.predict(x, verbose=0)
    np.testing.assert_array_equal(model.predict(x, verbose=0), first)
    loss = model.evaluate(x, y, verbose=0)
    assert model.evaluate(x, y, verbose=0) == loss
    # continuing the stream is explicit, and only for a stateful network
    assert np.abs(model.predict(x, verbose=0, continue_stream=True) - first).max() > 1e-4
    with pytest.raises(ValueError, match="continue_stream=True.*stateful"):
        build_elman_network(6, 8, 6).predict(x, continue_stream=True)


def test_stateful_fit_reads_the_stream_in_order_from_a_cleared_context(letters):
    x, y = letters
    model = build_elman_network(6, 8, 6, stateful=True, batch_size=2)
    model.compile(keras.optimizers.SGD(0.0), "mse")
    model.predict(x, verbose=0)  # leaves a non-zero context behind
    pieces = stream_batches(x.reshape(60, 6), 2, 10), stream_batches(y.reshape(60, 6), 2, 10)
    first = model.fit(*pieces, epochs=1, verbose=0).history["loss"]
    again = model.fit(*pieces, epochs=1, verbose=0).history["loss"]
    np.testing.assert_allclose(again, first, rtol=1e-6)  # each epoch starts from zero context


@pytest.mark.parametrize("stateful", [False, True])
def test_save_and_load_round_trip(letters, tmp_path, stateful):
    x, y = letters
    model = build_elman_network(6, 5, 6, stateful=stateful, batch_size=2 if stateful else None)
    model.compile(keras.optimizers.Adam(0.01), "mse")
    model.fit(x, y, epochs=2, verbose=0)
    model.save(tmp_path / "elman.keras")
    restored = keras.models.load_model(tmp_path / "elman.keras")
    assert isinstance(restored, ElmanNetwork) and restored.stateful is stateful
    assert restored.get_config() == model.get_config()
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))


def test_mixed_precision(letters):
    keras.config.set_dtype_policy("mixed_float16")
    x, y = letters
    model = build_elman_network(6, 8, 6)
    model.compile("adam", "mse")
    history = model.fit(x, y, epochs=2, verbose=0).history
    assert np.isfinite(history["loss"]).all()
    assert model.get_layer("hidden").compute_dtype == "float16"
    assert model.predict(x, verbose=0).dtype == np.float32


def test_a_weight_per_sequence_weights_every_step_of_it(letters):
    x, y = letters
    model = build_elman_network(6, 8, 6)
    model.compile("sgd", "mse", weighted_metrics=["mae"])
    errors = (model.predict(x, verbose=0) - y) ** 2
    logs = model.evaluate(x, y, sample_weight=np.array([1.0, 0.0]), verbose=0, return_dict=True)
    # "sum_over_batch_size": the weighted per-step errors over all N * T steps
    np.testing.assert_allclose(logs["loss"], errors[0].mean() / 2, rtol=1e-5)
    np.testing.assert_allclose(
        logs["mae"], np.abs(model.predict(x[:1], verbose=0) - y[:1]).mean(), rtol=1e-5
    )


def test_softmax_output_takes_integer_classes_per_step(letters):
    x = letters[0]
    classes = x.argmax(-1)  # any per-step class labels (N, T)
    model = build_elman_network(6, 8, 6, output_activation="softmax")
    model.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy")
    history = model.fit(x, classes, epochs=5, verbose=0).history
    assert history["loss"][-1] < history["loss"][0]
    with pytest.raises(ValueError, match=r"values must lie in \[0, 5\]"):
        model.fit(x, classes + 6, verbose=0)
    with pytest.raises(ValueError, match="integer classes"):
        model.fit(x, classes + 0.5, verbose=0)


def test_rejects_bad_inputs(letters):
    x, y = letters
    model = build_elman_network(6, 4, 6)
    model.compile("adam", "mse")
    with pytest.raises(ValueError, match=r"\(num_sequences, time_steps, 6\).*x\[None\]"):
        model.fit(x[0], y[0], verbose=0)  # one stream without its batch axis
    with pytest.raises(ValueError, match=r"received shape \(2, 30, 5\)"):
        model.predict(x[..., :5], verbose=0)
    bad = x.copy()
    bad[0, 3, 1] = np.nan
    with pytest.raises(ValueError, match="1 NaN"):
        model.fit(bad, y, verbose=0)
    with pytest.raises(ValueError, match=r"received shape \(2, 29, 6\)"):  # time_steps=30
        build_elman_network(6, 4, 6, time_steps=30).predict(x[:, 1:], verbose=0)
    with pytest.raises(ValueError, match="`fit y` must have shape"):
        model.fit(x, y[:, :-1], verbose=0)
    with pytest.raises(ValueError, match="`validation y` must have shape"):
        model.fit(x, y, validation_data=(x, y[..., :3]), verbose=0)
    with pytest.raises(ValueError, match=r"values must lie in \[0.0, 1.0\]"):
        model.evaluate(x, 2 * y, verbose=0)  # sigmoid outputs cannot reach 2
    with pytest.raises(ValueError, match="dataset yields shape"):
        model.fit(tf.data.Dataset.from_tensor_slices((x[0], y[0])).batch(2), verbose=0)


def test_rejects_bad_streaming_use(letters):
    x, y = letters
    model = build_elman_network(6, 4, 6, stateful=True, batch_size=2)
    model.compile("adam", "mse")
    with pytest.raises(ValueError, match="multiple of 2"):
        model.predict(x[:1], verbose=0)
    with pytest.raises(ValueError, match="fixed batch_size=2; received batch_size=1"):
        model.predict(x, batch_size=1, verbose=0)
    with pytest.raises(ValueError, match="shuffle"):
        model.fit(x, y, shuffle=True, verbose=0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"hidden_units": 0}, "hidden_units"),
        ({"input_dim": 2.5}, "input_dim"),
        ({"activation": "wobbly"}, "activation"),
        ({"activation": None}, "activation"),
        ({"output_activation": max}, "output_activation"),
        ({"stateful": "yes"}, "stateful"),
        ({"stateful": True}, "batch_size"),
        ({"stateful": True, "batch_size": 0}, "batch_size"),
        ({"time_steps": 0}, "time_steps"),
    ],
)
def test_rejects_bad_hyper_parameters(kwargs, match):
    arguments = {"input_dim": 6, "hidden_units": 4, "output_dim": 6} | kwargs
    with pytest.raises(ValueError, match=match):
        build_elman_network(**arguments)
