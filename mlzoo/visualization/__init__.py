"""Pictures of what autoencoders learned (thesis seed 003, section 2.4.1).

Dense and Conv2D weights as image tiles, deeper layers projected back to the input
space, rows of originals / reconstructions / saliency maps, and a PNG writer.

Examples:
    >>> import numpy as np
    >>> from mlzoo.visualization import weight_tiles
    >>> weight_tiles(np.random.randn(784, 100), (28, 28)).shape  # 10 x 10 tiles
    (289, 289)
"""

from mlzoo.visualization.grid import image_grid
from mlzoo.visualization.png import save_png
from mlzoo.visualization.projection import project_to_input
from mlzoo.visualization.tiles import conv_kernel_tiles, weight_tiles

__all__ = ["conv_kernel_tiles", "image_grid", "project_to_input", "save_png", "weight_tiles"]
