"""Adaptive resonance theory: Fuzzy ART, ART1 and Fuzzy ARTMAP as saveable Keras models."""

from mlzoo.models.art.art1 import ART1
from mlzoo.models.art.complement import complement_code
from mlzoo.models.art.fuzzy_art import FuzzyART
from mlzoo.models.art.fuzzy_artmap import FuzzyARTMAP

__all__ = ["ART1", "FuzzyART", "FuzzyARTMAP", "complement_code"]
