from _spec import Spec, unit_data

SPECS = [
    Spec(
        "joint_mlp",
        {"input_dim": 6, "hidden_units": 5, "output_dim": 3, "rule": "infomax", "ip_rate": 0.1},
        unit_data,
        bad_labels=[("integer labels for one-hot outputs", lambda x, y: y.argmax(1))],
    ),
]
