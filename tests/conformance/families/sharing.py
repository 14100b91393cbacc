import numpy as np
from _spec import Spec, unit_data


def tokens(n=48, length=6, vocab=12, seed=0):
    """Token ids (as float32, like the battery's arrays) whose first token decides the class."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, vocab, (n, length))
    y = (x[:, 0] > vocab // 2).astype("int64")
    return x.astype("float32"), y


def images(n=48, seed=0):
    x, y = unit_data(n, features=16, labels="integer", seed=seed)
    return x.reshape(n, 4, 4), y


def sparse_loss():
    return {"loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}


SPECS = [
    Spec(
        "sharing_ensemble_mlp",
        {"input_dim": 6, "num_classes": 3, "hidden_units": [8, 8], "heads_per_tap": 2},
        lambda: unit_data(labels="integer"),
        compile=sparse_loss,
        bad_labels=[
            ("class 3 of 3", lambda x, y: y + 1),
            ("one-hot rows with a sparse loss", lambda x, y: np.eye(3)[y]),
        ],
    ),
    Spec(
        "sharing_ensemble_cnn",
        {"input_shape": (4, 4), "num_classes": 3, "filters": [4, 4], "heads_per_tap": 2},
        images,
        bad_labels=[
            ("one-hot rows that do not sum to 1", lambda x, y: 2 * np.eye(3)[y]),
            ("fractional classes", lambda x, y: y + 0.5),
        ],
    ),
    Spec(
        "sharing_ensemble_rnn",
        {
            "num_classes": 1,
            "vocab_size": 12,
            "sequence_length": 6,
            "units": [4, 4],
            "embedding_dim": 3,
            "heads_per_tap": 2,
        },
        tokens,
        bad_labels=[
            ("label 2 for one sigmoid unit", lambda x, y: 2 * y),
        ],
    ),
]
