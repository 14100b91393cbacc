"""Small sets bundled with scikit-learn, split deterministically (no official split)."""

from __future__ import annotations

import numpy as np

from mlzoo.datasets._common import Split
from mlzoo.datasets.splitting import stratified_split

# Training share: iris 90/150 and wine 90/178 follow Table 2 of Liu et al. (2017); digits 68%
# as their ORH split (3820 of 5620); breast_cancer half.
SKLEARN_TRAIN_SIZES: dict[str, int | float] = {
    "iris": 90,
    "wine": 90,
    "digits": 0.68,
    "breast_cancer": 0.5,
}


def load_sklearn(name: str, split_seed: int = 0) -> Split:
    """Float32 features and int64 labels of `sklearn.datasets.load_<name>`, split stratified.

    Examples:
        >>> (x, y), (x_test, y_test) = load_sklearn("wine")
        >>> x.shape, x_test.shape
        ((90, 13), (88, 13))
    """
    import sklearn.datasets

    x, y = getattr(sklearn.datasets, f"load_{name}")(return_X_y=True)
    return stratified_split(
        x.astype(np.float32), y.astype(np.int64), SKLEARN_TRAIN_SIZES[name], seed=split_seed
    )
