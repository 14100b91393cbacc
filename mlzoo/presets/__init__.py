"""Paper presets: each table of the source papers as a protocol, a card and its claims.

    >>> import mlzoo
    >>> preset = mlzoo.presets.get("mutual_table5_mnist")
    >>> print(preset.card().splitlines()[0])
    ### `mutual_table5_mnist`: Table 5: STD-BP, EI-ML and EPT-ML on MNIST, the paper's squared error

`mlzoo run reproduce <preset> [--quick]` runs one and judges its claims;
docs/reproductions.md renders every preset's card, claims and verdicts.
"""

from mlzoo.presets import (  # noqa: F401  (each module registers the presets of one seed)
    bp_lecture,
    joint,
    mutual,
    saliency,
    sharing,
)
from mlzoo.presets.claim import VERDICTS, Claim
from mlzoo.presets.preset import PROTOCOL_FIELDS, Preset
from mlzoo.presets.registry import get, names, register

__all__ = ["PROTOCOL_FIELDS", "VERDICTS", "Claim", "Preset", "get", "names", "register"]
