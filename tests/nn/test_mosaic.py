"""nn.mosaic: filters as images, mosaics with NaN gaps, and finding the tile under a pixel."""

from __future__ import annotations

import numpy as np
import pytest

from nn import mosaic as nm


def test_filter_images_from_conv_and_first_dense_weights():
    w = np.arange(2 * 3 * 2 * 2, dtype=float).reshape(2, 3, 2, 2)
    np.testing.assert_array_equal(nm.filter_images(w, 1), w[:, 1])
    np.testing.assert_allclose(nm.filter_images(w), w.mean(axis=1))
    dense = np.arange(12.0).reshape(12, 1)  # one unit looking at a (3, 2, 2) input
    img = nm.filter_images(dense, 0, (3, 2, 2))
    assert img.shape == (1, 2, 2) and img[0].tolist() == [[0, 1], [2, 3]]
    with pytest.raises(ValueError, match="not an image"):
        nm.filter_images(np.zeros((5, 3)), None, (1, 2, 2))
    with pytest.raises(ValueError, match="out of range"):
        nm.filter_images(w, 3)


def test_mosaic_places_tiles_with_nan_gaps_and_tile_at_inverts_it():
    tiles = np.stack([np.full((2, 3), i, float) for i in range(5)])
    m = nm.mosaic(tiles, cols=3)
    assert m.shape == (2 * 2 + 1, 3 * 3 + 2)
    assert m[0, 0] == 0 and m[0, 4] == 1 and m[3, 0] == 3 and np.isnan(m[2, 0])
    assert np.isnan(m[3, 8])  # the sixth slot is empty
    assert nm.tile_at(3, 5, (2, 3), 3, 5) == (4, 0, 1)
    assert nm.tile_at(2, 0, (2, 3), 3, 5) is None  # the gap row
    assert nm.tile_at(3, 9, (2, 3), 3, 5) is None  # past the last tile
    norm = nm.mosaic(np.stack([np.array([[1.0, 3.0]]), np.ones((1, 2))]), cols=2, normalize=True)
    assert norm[0, :2].tolist() == [0.0, 1.0] and norm[0, 3:].tolist() == [0.5, 0.5]
    assert nm.grid_shape(30) == (5, 6) and nm.grid_shape(1) == (1, 1)
    assert nm.grid_shape(16) == (4, 4) and nm.grid_shape(0) == (0, 0)
