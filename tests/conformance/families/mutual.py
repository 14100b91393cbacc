import keras
from _spec import Spec, unit_data

from mlzoo.callbacks import AlternatingDirection

SPECS = [
    Spec(
        "mutual_mlp",
        {"input_dim": 6, "hidden_units": 5, "output_dim": 3},
        unit_data,
        compile=lambda: {"optimizer": keras.optimizers.SGD(0.2, momentum=0.9)},
        # both phases every epoch (steps P P N | N P P | ...), so the phase change is tested
        callbacks=lambda: [AlternatingDirection(period=2, unit="batch")],
        bad_labels=[
            ("integer labels for one-hot outputs", lambda x, y: y.argmax(1)),
            ("labels outside [0, 1] (G takes y as input)", lambda x, y: 3 * y),
        ],
    ),
]
