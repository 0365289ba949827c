"""Every layer's activations for one drawing, as small images for the Draw page's live strip.

Like Harley's interactive visualisation of a network reading a drawn digit ("An Interactive
Node-Link Visualization of Convolutional Neural Networks", ISVC 2015), the strip shows what each
layer makes of the current drawing: a convolution or pooling output as a mosaic of its feature
maps (book ch. 7.6), a dense layer as a row of its units. A layer whose output goes straight
into an element-wise activation is skipped (its activation shows the same maps after the
non-linearity), and so is Dropout, which does nothing at inference time. Qt-free: the page's
inference thread builds the images, the GUI thread only paints them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

import nn
from nn.mosaic import mosaic

#: Layer types that only pass values through or act element-wise after another layer.
_ELEMENTWISE = ("ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Step", "Identity")
_SKIPPED = ("Dropout", "Flatten", "Identity")
#: Colours of the levels 0..255: an idle unit dark blue, a strongly active one yellow.
_LUT = np.round(np.linspace([24, 28, 48, 255], [255, 214, 80, 255], 256)).astype(np.uint8)


def colour(image: NDArray[np.float64]) -> NDArray[np.uint8]:
    """``image`` (h, w) in ``[0, 1]`` as RGBA through :data:`_LUT`; NaN transparent."""
    gaps = np.isnan(image)
    levels = np.round(np.clip(np.where(gaps, 0.0, image), 0.0, 1.0) * 255).astype(np.uint8)
    rgba = _LUT[levels]
    rgba[gaps, 3] = 0
    return rgba


@dataclass(frozen=True)
class LayerActivation:
    """One tile of the strip.

    Attributes
    ----------
    name : str
        The layer's name, e.g. ``"3.ReLU"``.
    image : numpy.ndarray, shape (h, w), float64
        Values in ``[0, 1]``: divided by the layer's largest activation when none is negative
        (ReLU and pooling outputs), else stretched from the smallest to the largest (raw scores);
        NaN in the gaps between feature maps.
    shape : tuple of int
        The layer's output shape for one input, e.g. ``(16, 28, 28)``.
    peak : float
        The largest absolute activation.
    rgba : numpy.ndarray, shape (h, w, 4), uint8
        ``image`` coloured from dark blue (0) to yellow (1), the gaps transparent.
    """

    name: str
    image: NDArray[np.float64]
    shape: tuple[int, ...]
    peak: float
    rgba: NDArray[np.uint8]


def shown_layers(model: nn.Sequential) -> list[str]:
    """Names of the layers the strip shows, in order."""
    layers = model.layers
    shown = []
    for i, layer in enumerate(layers):
        kind = type(layer).__name__
        if kind in _SKIPPED:
            continue
        nxt = type(layers[i + 1]).__name__ if i + 1 < len(layers) else ""
        if nxt in _ELEMENTWISE and kind not in _ELEMENTWISE:
            continue
        shown.append(layer.name)
    return shown


def layer_images(captured: dict[str, NDArray], names: list[str]) -> list[LayerActivation]:
    """The strip's tiles from :meth:`nn.Sequential.capture` of one input.

    Parameters
    ----------
    captured : dict
        Layer name -> output of shape ``(1, ...)``.
    names : list of str
        The layers to show (:func:`shown_layers`).
    """
    tiles = []
    for name in names:
        out = np.asarray(captured[name][0], np.float64)
        peak = float(np.abs(out).max()) if out.size else 0.0
        low = float(out.min()) if out.size else 0.0
        span = float(out.max()) - low if low < 0 else peak
        base = low if low < 0 else 0.0
        scaled = (out - base) / span if span > 0 else np.zeros_like(out)
        if scaled.ndim == 3:
            image = mosaic(scaled)
        elif scaled.ndim == 2:
            image = scaled
        else:
            image = scaled.reshape(1, -1)
        tiles.append(LayerActivation(name, image, tuple(out.shape), peak, colour(image)))
    return tiles


def activations(model: nn.Sequential, x28: NDArray) -> tuple[NDArray, list[LayerActivation]]:
    """One inference pass of ``x28`` (28, 28) keeping every layer's output.

    Returns
    -------
    logits : numpy.ndarray, shape (1, classes)
        The last layer's output (what :func:`workbench.core.draw.inference.predict` reads).
    tiles : list of LayerActivation
    """
    batch = np.asarray(x28, np.float32).reshape(1, *model.input_shape)
    captured = model.capture(batch)
    logits = captured[model.layers[-1].name]
    return logits, layer_images(captured, shown_layers(model))
