import numpy as np
from _spec import Spec, unit_data


def _binary():
    x, _ = unit_data(labels=None)
    return (x > 0.5).astype("float32"), None


SPECS = [
    Spec(
        "fuzzy_art",
        {"input_dim": 6, "max_categories": 64, "vigilance": 0.75, "learning_rate": 0.5},
        lambda: unit_data(labels=None),
    ),
    Spec("art1", {"input_dim": 6, "max_categories": 64, "vigilance": 0.5}, _binary),
    Spec(
        "fuzzy_artmap",
        {"input_dim": 6, "num_classes": 3, "max_categories": 64, "vigilance": 0.5},
        lambda: unit_data(labels="integer"),
        bad_labels=[
            ("classes out of range", lambda x, y: y + 3),
            ("negative classes", lambda x, y: y - 1),
            ("fractional classes", lambda x, y: y + 0.5),
            ("soft label rows", lambda x, y: np.full((len(y), 3), 1 / 3, "float32")),
            ("one-hot rows of the wrong width", lambda x, y: np.eye(4, dtype="float32")[y]),
            ("labels of rank 3", lambda x, y: y[:, None, None]),
        ],
    ),
]
