from _spec import Spec, unit_data

SPECS = [
    Spec(
        "self_organizing_map",
        {"rows": 3, "cols": 3, "input_dim": 6, "sigma": 1.5, "learning_rate": 0.5},
        lambda: unit_data(labels=None),
        atol=2e-5,
    ),
]
