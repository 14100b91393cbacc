from _spec import Spec, unit_data

# Phases are epochs: with 1-epoch caps the 5 epochs are output, candidates, select (a unit
# is installed), output, output -> candidates; the crash at epoch 3 resumes after the growth.
SPECS = [
    Spec(
        "cascade_correlation",
        {
            "input_dim": 6,
            "output_dim": 3,
            "output_activation": "softmax",
            "candidates": 3,
            "max_hidden_units": 2,
            "target_accuracy": None,
            "output_epochs": 1,
            "candidate_epochs": 1,
            "verbose": 0,
        },
        unit_data,
        bad_labels=[
            ("labels beyond the classes", lambda x, y: y.argmax(1) + 3),
            ("one-hot rows scaled", lambda x, y: 3 * y),
            ("one-hot rows of the wrong width", lambda x, y: y[:, :2]),
        ],
    ),
]
