"""Self-organizing map (BP lecture, "SOM"): model, grid helpers, initialisation, decay."""

from mlzoo.models.som.grid import u_matrix
from mlzoo.models.som.init import init_codebook
from mlzoo.models.som.schedules import decayed
from mlzoo.models.som.self_organizing_map import SelfOrganizingMap

__all__ = ["SelfOrganizingMap", "decayed", "init_codebook", "u_matrix"]
