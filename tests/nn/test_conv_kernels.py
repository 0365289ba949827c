"""The cache-blocked convolution (nn/layers/_conv_kernels.py) against the plain im2col version:
every chunk size gives the same numbers, buffers reused across batch sizes stay clean, and the
float64 gradients pass the numerical check on every code path (stride 1 transposed convolution,
rows sharing their padding, col2im for other strides and for padding ≥ kernel, rectangular
kernels, odd sizes)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import nn
from nn.gradcheck import check_layer
from nn.im2col import col2im, im2col, pad_images
from nn.layers._conv_kernels import ConvGeometry

TOL = 1e-6

# (input shape, filters, kernel, stride, pad)
CASES = [
    ((7, 3, 9, 9), 4, 3, 1, 1),  # stride 1: dx by transposed convolution
    ((5, 2, 8, 7), 3, (3, 2), 1, 0),  # rectangular kernel, no padding
    ((6, 2, 9, 9), 3, 3, 2, 1),  # stride 2: col2im
    ((5, 2, 7, 8), 2, (2, 3), 3, 2),  # stride 3, pad 2, rectangular
    ((4, 2, 6, 6), 3, 1, 1, 1),  # pad ≥ kernel with stride 1: col2im on extended rows
    ((3, 1, 5, 5), 2, 2, 1, 2),  # pad = kernel
    ((5, 4, 5, 5), 6, 5, 1, 2),  # 5×5 kernel, "same" padding
    ((4, 2, 6, 7), 3, (3, 2), 1, 1),  # rows share their padding, rectangular kernels
    ((3, 2, 7, 6), 2, (2, 3), 1, 1),
    ((3, 2, 6, 6), 2, 3, 1, 2),  # pad = kernel − 1: no padding in the transposed convolution
]
IDS = [f"{s}-f{f}-k{k}-s{st}-p{p}" for s, f, k, st, p in CASES]


def reference(x, w, b, stride, pad, dout):
    """The plain one-shot im2col convolution: output, dW, db, dx."""
    f, _, kh, kw = w.shape
    n, _, h, wd = x.shape
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (wd + 2 * pad - kw) // stride + 1
    cols = im2col(pad_images(x, pad), kh, kw, (stride, stride), (oh, ow))
    y = (w.reshape(f, -1) @ cols + b[:, None]).reshape(f, n, oh, ow).transpose(1, 0, 2, 3)
    d2 = dout.transpose(1, 0, 2, 3).reshape(f, -1)
    dw = (d2 @ cols.T).reshape(w.shape)
    dx = col2im(w.reshape(f, -1).T @ d2, x.shape, kh, kw, (stride, stride), pad)
    return y, dw, d2.sum(axis=1), dx


def built(shape, filters, kernel, stride, pad, chunk, dtype=np.float64):
    layer = nn.Conv2D(filters, kernel, stride=stride, pad=pad, init="he")
    layer.build(shape[1:], np.random.default_rng(1), dtype)
    layer.params["b"][:] = np.linspace(-0.5, 0.5, filters)
    layer.chunk_size = chunk
    return layer


def run(layer, x, dout):
    y = layer.forward(x, training=True)
    dx = layer.backward(dout)
    return y, layer.grads["W"].copy(), layer.grads["b"].copy(), dx


@pytest.mark.parametrize(("shape", "filters", "kernel", "stride", "pad"), CASES, ids=IDS)
@pytest.mark.parametrize("chunk", [None, 1, 2, 3])
def test_every_chunk_size_matches_plain_im2col(shape, filters, kernel, stride, pad, chunk):
    rng = np.random.default_rng(0)
    layer = built(shape, filters, kernel, stride, pad, chunk)
    x = rng.standard_normal(shape)
    dout = rng.standard_normal((shape[0], *layer.output_shape))
    expected = reference(x, layer.params["W"], layer.params["b"], stride, pad, dout)
    for got, want in zip(run(layer, x, dout), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("shape", "filters", "kernel", "stride", "pad"), CASES, ids=IDS)
def test_gradients_with_chunks_that_do_not_divide_the_batch(shape, filters, kernel, stride, pad):
    layer = nn.Conv2D(filters, kernel, stride=stride, pad=pad, init="he")
    layer.chunk_size = 2  # batches of 3–7 images: the last chunk is short
    result = check_layer(layer, shape)
    for check in result.checks:
        assert check.relative_error < TOL, f"{check.name}: {check.relative_error:.2e}"


def test_buffers_reused_across_batch_sizes_stay_clean():
    """A smaller batch reuses the scratch buffers of a larger one (and back) without any
    stale value leaking in: padding borders and the extended gradient rows stay zero."""
    shape, rng = (8, 3, 9, 9), np.random.default_rng(2)
    layer = built(shape, 4, 3, 1, 1, chunk=3)
    for n in (8, 2, 5, 8, 1):
        x = rng.standard_normal((n, *shape[1:]))
        dout = rng.standard_normal((n, *layer.output_shape))
        expected = reference(x, layer.params["W"], layer.params["b"], 1, 1, dout)
        for got, want in zip(run(layer, x, dout), expected, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_float32_matches_float64_and_repeats_bit_for_bit():
    shape, rng = (10, 16, 14, 14), np.random.default_rng(3)
    x = rng.standard_normal(shape)
    dout = rng.standard_normal((10, 32, 14, 14))
    wide = built(shape, 32, 3, 1, 1, chunk=None)
    narrow = built(shape, 32, 3, 1, 1, chunk=None, dtype=np.float32)
    narrow.params["W"][:] = wide.params["W"]
    first = run(narrow, x.astype(np.float32), dout.astype(np.float32))
    again = run(narrow, x.astype(np.float32), dout.astype(np.float32))
    for a, b, c in zip(first, again, run(wide, x, dout), strict=True):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, c, rtol=2e-4, atol=2e-4 * np.abs(c).max())


def test_input_gradient_skipped_for_the_first_layer():
    layer = built((3, 1, 6, 6), 2, 3, 1, 1, chunk=None)
    layer.input_grad = False
    x = np.random.default_rng(4).standard_normal((3, 1, 6, 6))
    layer.forward(x, training=True)
    assert layer.backward(np.ones((3, 2, 6, 6))) is None
    assert np.all(layer.grads["b"] == 36 * 3)


def test_chunk_size_follows_the_layer_shape():
    small = ConvGeometry(c=1, h=28, w=28, f=16, kh=3, kw=3, stride=1, pad=1)
    large = ConvGeometry(c=64, h=28, w=28, f=64, kh=3, kw=3, stride=1, pad=1)
    assert small.chunk_images(4) > large.chunk_images(4) >= 1
    cols = (large.k + 1) * large.per_image * 4 * large.chunk_images(4)
    assert cols <= 2 << 20 or large.chunk_images(4) == 1


def test_a_deep_copied_layer_computes_the_same():
    shape, rng = (4, 2, 7, 7), np.random.default_rng(5)
    layer = built(shape, 3, 3, 1, 1, chunk=2)
    x, dout = rng.standard_normal(shape), rng.standard_normal((4, 3, 7, 7))
    first = run(layer, x, dout)
    twin = copy.deepcopy(layer)
    for a, b in zip(run(twin, x, dout), first, strict=True):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(run(layer, x, dout), first, strict=True):
        np.testing.assert_array_equal(a, b)
