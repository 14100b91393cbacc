import numpy as np
from _spec import Spec


def sequences(n=24, steps=5, features=3, seed=0):
    """x in [0, 1] (n, steps, features); y: whether each of the first two features exceeds
    its value one step earlier (needs the context)."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, steps, features)).astype("float32")
    previous = np.concatenate([np.zeros_like(x[:, :1]), x[:, :-1]], axis=1)
    return x, (x[..., :2] > previous[..., :2]).astype("float32")


SPECS = [
    Spec(
        "elman_network",
        {"input_dim": 3, "hidden_units": 4, "output_dim": 2, "time_steps": 5},
        sequences,
        fit={"epochs": 5, "batch_size": 8, "shuffle": False},
        bad_labels=[
            ("targets outside [0, 1] for sigmoid outputs", lambda x, y: 2 * y + 1),
            ("targets without the time axis", lambda x, y: y[:, 0]),
            ("targets for fewer time steps", lambda x, y: y[:, :-1]),
        ],
    ),
]
