"""The SOM's rectangular grid: unit coordinates, neighbourhood, adjacency."""

from __future__ import annotations

import numpy as np
from keras import ops


def grid_coordinates(rows: int, cols: int) -> np.ndarray:
    """(rows * cols, 2) float32 (row, col) of every unit, row-major (unit u = row * cols + col)."""
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    return np.stack([r.ravel(), c.ravel()], axis=1).astype("float32")


def gaussian_neighbourhood(winner_coords, coords, sigma):
    """h_bj = exp(-||r_j - r_c(b)||^2 / (2 sigma^2)): (B, U) for winners (B, 2), units (U, 2)."""
    offsets = winner_coords[:, None, :] - coords[None, :, :]
    return ops.exp(-ops.sum(ops.square(offsets), axis=-1) / (2.0 * ops.square(sigma)))


def adjacent(first_coords, second_coords):
    """True where two units are grid neighbours, diagonals included (MiniSom's rule, ≤ 1.42)."""
    return ops.max(ops.abs(first_coords - second_coords), axis=-1) <= 1.0


def u_matrix(codebook: np.ndarray) -> np.ndarray:
    """(rows, cols) mean Euclidean distance from each unit's weights to its 8 neighbours'."""
    rows, cols, _ = codebook.shape
    total, count = np.zeros((rows, cols)), np.zeros((rows, cols))
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            if dr == dc == 0:
                continue
            r0, r1 = max(0, -dr), rows - max(0, dr)
            c0, c1 = max(0, -dc), cols - max(0, dc)
            here = codebook[r0:r1, c0:c1]
            there = codebook[r0 + dr : r1 + dr, c0 + dc : c1 + dc]
            total[r0:r1, c0:c1] += np.linalg.norm(here - there, axis=-1)
            count[r0:r1, c0:c1] += 1
    return total / count
