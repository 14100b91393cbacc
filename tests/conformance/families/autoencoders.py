import numpy as np
from _spec import Spec, unit_data


def images(n=48, seed=0):
    x, y = unit_data(n, features=48, labels="integer", seed=seed)
    return x.reshape(n, 4, 4, 3), y


def one_hot_loss():
    return {"loss": "categorical_crossentropy", "metrics": ["accuracy"]}


SPECS = [
    Spec(
        "pretrainable_mlp",
        {"input_shape": (4, 4, 3), "num_classes": 3, "hidden_units": (6, 5)},
        images,
        bad_labels=[
            ("class 3 of 3", lambda x, y: y + 1),
            ("one-hot rows with the sparse default loss", lambda x, y: np.eye(3)[y]),
        ],
    ),
    Spec(
        "pretrainable_cnn",
        {
            "input_shape": (4, 4, 3),
            "num_classes": 3,
            "filters": (3, 3),
            "kernel_size": 3,
            "dense_units": 4,
        },
        lambda: (images()[0], np.eye(3, dtype="float32")[images()[1]]),
        compile=one_hot_loss,
        bad_labels=[
            ("integer classes with a categorical loss", lambda x, y: y.argmax(1)),
            ("rows that do not sum to 1", lambda x, y: 2 * y),
        ],
    ),
]
