"""The grown cascade network as plain Keras layers: each unit sees inputs and earlier units."""

from __future__ import annotations

import keras


def cascade_network(input_dim: int, hidden_layers, output_layer) -> tuple[keras.Model, keras.Model]:
    """`(network, features)`: plain functional models sharing `hidden_layers` and `output_layer`.

    Hidden unit k reads [x, h_1, ..., h_{k-1}]; the outputs read
    [x, h_1, ..., h_K] (`features` returns that vector).
    """
    inputs = keras.Input((input_dim,), name="x")
    columns = [inputs]
    for layer in hidden_layers:
        source = columns[0] if len(columns) == 1 else keras.layers.Concatenate()(columns)
        columns.append(layer(source))
    features = columns[0] if len(columns) == 1 else keras.layers.Concatenate()(columns)
    network = keras.Model(inputs, output_layer(features), name="cascade_correlation")
    return network, keras.Model(inputs, features, name="cascade_features")
