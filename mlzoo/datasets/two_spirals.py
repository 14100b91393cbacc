"""The two-spirals benchmark (Lang & Witbrock 1988) used by Fahlman & Lebiere (1990)."""

from __future__ import annotations

import numpy as np

from mlzoo._checks import check_positive_int


def make_two_spirals(points_per_spiral: int = 97, radius: float = 6.5):
    """The standard 2 x 97 = 194-point set: `x` (2n, 2) float32, `y` (2n,) int {0, 1}.

    Point i of spiral 1 (class 1): angle a_i = i pi / 16, r_i = radius (104 - i) / 104,
    (r_i sin a_i, r_i cos a_i); spiral 0 is its point reflection (-x, -y). Each
    spiral winds three times around the origin.

    Examples:
        >>> x, y = make_two_spirals()
        >>> x.shape, int(y.sum())
        ((194, 2), 97)
    """
    n = check_positive_int("points_per_spiral", points_per_spiral)
    i = np.arange(n)
    angle = i * np.pi / 16.0
    r = radius * (104 - i) / 104.0
    first = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    x = np.concatenate([first, -first]).astype("float32")
    y = np.concatenate([np.ones(n, "int64"), np.zeros(n, "int64")])
    return x, y
