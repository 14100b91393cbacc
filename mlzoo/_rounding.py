"""Rounding of fractional epoch counts."""

from __future__ import annotations

import math


def round_half_up(value: float) -> int:
    """Nearest integer, halves rounded up (Python's `round` rounds 2.5 to 2)."""
    return math.floor(value + 0.5)
