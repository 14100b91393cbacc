"""Datasets as numpy arrays: local `.npz` files, tensorflow-datasets, bundled and generated sets.

Examples:
    >>> from mlzoo import datasets
    >>> (x, y), (x_test, y_test) = datasets.load("digits", scale=True)
    >>> datasets.one_hot(y).shape
    (1222, 10)
"""

from mlzoo.datasets.elman_streams import letter_stream, temporal_xor
from mlzoo.datasets.labels import from_one_hot, one_hot
from mlzoo.datasets.loading import available, load
from mlzoo.datasets.scaling import minmax_scale
from mlzoo.datasets.semi_supervised import load_semi_supervised, make_shapes_labelled
from mlzoo.datasets.splitting import stratified_split
from mlzoo.datasets.two_spirals import make_two_spirals
from mlzoo.datasets.waveform import make_waveform

__all__ = [
    "available",
    "from_one_hot",
    "letter_stream",
    "load",
    "load_semi_supervised",
    "make_shapes_labelled",
    "make_two_spirals",
    "make_waveform",
    "minmax_scale",
    "one_hot",
    "stratified_split",
    "temporal_xor",
]
