"""Datasets: local `.npz` files, tensorflow-datasets, bundled and generated sets."""

from mlzoo.datasets.labels import from_one_hot, one_hot
from mlzoo.datasets.loading import available, load
from mlzoo.datasets.scaling import minmax_scale
from mlzoo.datasets.splitting import stratified_split
from mlzoo.datasets.waveform import make_waveform

__all__ = [
    "available",
    "from_one_hot",
    "load",
    "make_waveform",
    "minmax_scale",
    "one_hot",
    "stratified_split",
]
