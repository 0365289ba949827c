"""The building blocks of the standalone ``predict.py``, copied into it verbatim.

Each function is plain NumPy written the book's way (ch. 3, 5 and 7: im2col for convolution and
pooling), so the generated script reads like the book and needs nothing from this project.
:mod:`nn.export.numpy_script` copies the source of the blocks a network uses; the tests check
each one against the engine's layer. Only ``load_grayscale`` needs Pillow, imported when called.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

BLOCKS_BY_KIND = {
    "dense": ("dense",), "conv": ("im2col", "conv2d"), "maxpool": ("im2col", "max_pool2d"),
    "avgpool": ("im2col", "avg_pool2d"), "flatten": ("flatten",), "batchnorm": ("batch_norm",),
    "relu": ("relu",), "leaky_relu": ("leaky_relu",), "sigmoid": ("sigmoid",),
    "tanh": ("tanh",), "step": ("step",), "dropout": (), "identity": (),
}
BLOCKS_BY_HEAD = {"softmax": ("softmax",), "sigmoid_pair": ("sigmoid", "sigmoid_pair"),
                  "identity": ()}
IMAGE_BLOCKS = ("_LUMA", "unit_range", "luminance", "load_grayscale")


def im2col(x: np.ndarray, kh: int, kw: int, stride: int, pad: int,
           fill: float = 0.0) -> tuple[np.ndarray, int, int]:
    """Every kh×kw window of ``x`` (N, C, H, W) as one row: (N·OH·OW, C·kh·kw) (book ch. 7.4.3).

    The border is padded with ``fill`` (0 for convolution and average pooling, −inf for max
    pooling, where a padded cell must never win). Returns the matrix and the output size.
    """
    n, c, h, w = x.shape
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (w + 2 * pad - kw) // stride + 1
    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], constant_values=fill)
    col = np.empty((n, c, kh, kw, oh, ow), dtype=x.dtype)
    for i in range(kh):  # a loop over the kernel offsets only, never over pixels
        for j in range(kw):
            col[:, :, i, j] = img[:, :, i : i + stride * oh : stride, j : j + stride * ow : stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1), oh, ow


def conv2d(x: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int, pad: int) -> np.ndarray:
    """Cross-correlation of ``x`` (N, C, H, W) with the F kernels ``W`` (F, C, kh, kw), plus the
    bias ``b`` (F,): (N, F, OH, OW), one matrix product (book ch. 7.4.3)."""
    f, _, kh, kw = W.shape
    col, oh, ow = im2col(x, kh, kw, stride, pad)
    out = col @ W.reshape(f, -1).T + b  # (N·OH·OW, F)
    return out.reshape(x.shape[0], oh, ow, f).transpose(0, 3, 1, 2)


def max_pool2d(x: np.ndarray, ph: int, pw: int, stride: int, pad: int) -> np.ndarray:
    """Largest value of each ph×pw window, per channel: (N, C, OH, OW) (book ch. 7.4.4)."""
    n, c = x.shape[:2]
    col, oh, ow = im2col(x, ph, pw, stride, pad, fill=-np.inf)
    out = col.reshape(-1, ph * pw).max(axis=1)  # one row per (sample, position, channel)
    return out.reshape(n, oh, ow, c).transpose(0, 3, 1, 2)


def avg_pool2d(x: np.ndarray, ph: int, pw: int, stride: int, pad: int) -> np.ndarray:
    """Mean of each ph×pw window, per channel; zero padding counts towards the mean."""
    n, c = x.shape[:2]
    col, oh, ow = im2col(x, ph, pw, stride, pad)
    out = col.reshape(-1, ph * pw).mean(axis=1)
    return out.reshape(n, oh, ow, c).transpose(0, 3, 1, 2)


def flatten(x: np.ndarray) -> np.ndarray:
    """(N, ...) → (N, D), row-major."""
    return x.reshape(x.shape[0], -1)


def dense(x: np.ndarray, W: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Affine layer ``x·W + b`` (book ch. 5.6.1): ``x`` (N, ...) is flattened first, ``W`` is
    (D, units)."""
    out = x.reshape(x.shape[0], -1) @ W
    return out if b is None else out + b


def batch_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, mean: np.ndarray,
               var: np.ndarray, eps: float) -> np.ndarray:
    """Batch Normalization at inference (book ch. 6.3): the running mean and variance recorded
    in training normalise each feature (x of shape (N, D)) or channel ((N, C, H, W)), then
    ``gamma`` scales and ``beta`` shifts."""
    shape = (1, -1) if x.ndim == 2 else (1, -1, 1, 1)
    inv_std = 1.0 / np.sqrt(var.reshape(shape) + eps)
    return (x - mean.reshape(shape)) * inv_std * gamma.reshape(shape) + beta.reshape(shape)


def relu(x: np.ndarray) -> np.ndarray:
    """max(0, x) (book ch. 3.2.7)."""
    return np.maximum(x, 0)


def leaky_relu(x: np.ndarray, alpha: float) -> np.ndarray:
    """x where x > 0, else alpha·x."""
    return np.where(x > 0, x, x * alpha)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^−x) (book ch. 3.2.4), computed as (1 + tanh(x/2)) / 2, which never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent."""
    return np.tanh(x)


def step(x: np.ndarray) -> np.ndarray:
    """The perceptron's step function: 1 where x > 0, else 0 (book ch. 3.2.2)."""
    return (x > 0).astype(x.dtype)


def softmax(y: np.ndarray) -> np.ndarray:
    """Row-wise softmax; the row maximum is subtracted first so exp never overflows (ch. 3.5.2)."""
    z = np.exp(y - y.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def sigmoid_pair(y: np.ndarray) -> np.ndarray:
    """One output unit to the probabilities of two classes: [1 − σ(y), σ(y)]."""
    p = sigmoid(y.reshape(y.shape[0], 1))
    return np.concatenate([1.0 - p, p], axis=1)


_LUMA = np.array([0.299, 0.587, 0.114])  # ITU-R 601-2 luma, the weights of Pillow's convert("L")


def unit_range(arr: np.ndarray) -> np.ndarray:
    """Samples of unknown depth (32-bit int or float images) to [0, 1]: by their maximum, as
    already in [0, 1] (floats), 8-bit or 16-bit."""
    data = np.nan_to_num(arr.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    top = float(data.max()) if data.size else 0.0
    if np.issubdtype(arr.dtype, np.floating) and top <= 1.0:
        scale = 1.0
    elif top <= 255.0:
        scale = 255.0
    else:
        scale = 65535.0
    return np.clip(data / scale, 0.0, 1.0)


def luminance(im) -> np.ndarray:  # im: a PIL.Image.Image (Pillow is imported only to read)
    """A decoded Pillow image to grey levels (H, W), float32 in [0, 1], transparency on white."""
    mode = im.mode
    if mode.startswith("I;16"):
        return (np.asarray(im, dtype=np.float64) / 65535.0).astype(np.float32)
    if mode in ("I", "F"):
        return unit_range(np.asarray(im)).astype(np.float32)
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info
    if not has_alpha:  # 8-bit sources: Pillow's own conversion with the same luma weights
        grey = im if mode == "L" else im.convert("L")
        return np.asarray(grey, dtype=np.float32) / np.float32(255.0)
    rgba = np.asarray(im.convert("RGBA"), dtype=np.float32) / np.float32(255.0)
    alpha = rgba[..., 3]
    grey = rgba[..., :3] @ _LUMA.astype(np.float32)
    grey = grey * alpha + (1.0 - alpha)  # composite on white paper
    return np.clip(grey, 0.0, 1.0)


def load_grayscale(path: str | Path) -> np.ndarray:
    """Read an image file (PNG, JPEG, BMP, GIF's first frame…) as grey levels, 1 = white."""
    from PIL import Image, ImageOps

    with Image.open(path) as im:
        im.seek(0)
        if im.format == "JPEG" and im.mode in ("RGB", "YCbCr"):
            im.draft("L", im.size)  # decode only the luma channel: same values, faster
        im.load()
        if im.getexif().get(0x0112, 1) != 1:  # phone photos: apply the EXIF rotation
            return luminance(ImageOps.exif_transpose(im))
        return luminance(im)
