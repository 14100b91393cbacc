from _spec import Spec, unit_data

SPECS = [
    Spec(
        "rbm",
        # persistent chains: their state must survive saving and BackupAndRestore
        {"visible": 6, "hidden": 4, "persistent": True, "persistent_chains": 4, "seed": 1},
        lambda: unit_data(labels=None),
    ),
]
