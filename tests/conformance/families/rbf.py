import numpy as np
from _spec import Spec, unit_data


def data():
    return unit_data(labels="integer")


SPECS = [
    Spec(
        "rbf_network",
        {"input_dim": 6, "units": 5, "output_dim": 3, "x_init": data()[0]},
        data,
        bad_labels=[
            ("class 3 of 3", lambda x, y: y + 1),
            ("one-hot rows with the sparse default loss", lambda x, y: np.eye(3)[y]),
        ],
    ),
]
