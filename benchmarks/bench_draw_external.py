"""Per-digit accuracy of a model on digits that are not MNIST, through the Draw preprocessing.

    python benchmarks/bench_draw_external.py resources/models/digits_deep_convnet.npz
    python benchmarks/bench_draw_external.py MODEL.npz --pen-ratio 0.10 --split tune
    python benchmarks/bench_draw_external.py MODEL.npz --json results.json

The set (:mod:`external_set`): digits from every installed Latin font and synthetic pen strokes
in many styles, at four placements (centred, off-centre, tiny, huge), each split into a tuning
and a held-out half. Prints, per source and split, the accuracy overall and per digit, then per
placement, the weakest pen styles and the commonest confusions (held-out only unless
``--split`` says otherwise). Tune preprocessing with ``--split tune``; quote the held-out figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import external_set  # noqa: E402
import numpy as np  # noqa: E402

import nn  # noqa: E402
from nn.raster import MNIST_PEN_RATIO  # noqa: E402


def predict(model: nn.Sequential, x: np.ndarray, batch: int = 500) -> np.ndarray:
    """Top class of every image ``x`` (N, 1, 28, 28)."""
    return model.predict(x, batch_size=batch) if len(x) else np.zeros(0, np.int64)


def per_digit(y: np.ndarray, pred: np.ndarray) -> dict[str, float | int]:
    """Overall and per-digit accuracy (NaN for a digit without samples) and the count."""
    row: dict[str, float | int] = {"n": int(len(y)),
                                   "all": float(np.mean(pred == y)) if len(y) else float("nan")}
    for d in range(10):
        sel = y == d
        row[str(d)] = float(np.mean(pred[sel] == d)) if sel.any() else float("nan")
    return row


def evaluate(model: nn.Sequential, samples: external_set.Samples,
             splits: tuple[str, ...]) -> dict:
    """Every figure the report prints, as a JSON-able dict."""
    pred = predict(model, samples.x)
    source = np.array(samples.source)
    placement = np.array(samples.placement)
    style = np.array(samples.style)
    results: dict = {"table": {}, "placement": {}, "styles": {}, "confusions": {}}
    for split in splits:
        in_split = samples.held_out if split == "held-out" else ~samples.held_out
        for src in ("font", "stroke"):
            sel = in_split & (source == src)
            results["table"][f"{src} {split}"] = per_digit(samples.y[sel], pred[sel])
            wrong = sel & (pred != samples.y)
            pairs = Counter(f"{t}->{p}" for t, p in zip(samples.y[wrong], pred[wrong],
                                                         strict=True))
            results["confusions"][f"{src} {split}"] = dict(pairs.most_common(8))
        for place in external_set.PLACEMENTS:
            sel = in_split & (placement == place)
            results["placement"][f"{place} {split}"] = per_digit(samples.y[sel], pred[sel])["all"]
        strokes = in_split & (source == "stroke")
        for name in sorted(set(style[strokes])):
            sel = strokes & (style == name)
            digit = int(samples.y[sel][0])
            results["styles"][f"{digit} {name} {split}"] = float(np.mean(pred[sel] == digit))
    return results


def _pct(v: float) -> str:
    return "  —  " if v != v else f"{100 * v:5.1f}"


def report(name: str, results: dict) -> None:
    print(f"\n## {name}\n")
    print("| set | n | all | " + " | ".join(str(d) for d in range(10)) + " |")
    print("|---|---:|---:|" + "---:|" * 10)
    for key, row in results["table"].items():
        digits = " | ".join(_pct(row[str(d)]) for d in range(10))
        print(f"| {key} | {row['n']} | {_pct(row['all'])} | {digits} |")
    print("\nplacement: " + ", ".join(f"{k} {_pct(v).strip()} %"
                                      for k, v in results["placement"].items()))
    weak = sorted(results["styles"].items(), key=lambda kv: kv[1])[:8]
    print("weakest pen styles: " + ", ".join(f"{k} {_pct(v).strip()} %" for k, v in weak))
    for key, pairs in results["confusions"].items():
        if pairs:
            print(f"confusions {key}: " + ", ".join(f"{k} x{v}" for k, v in pairs.items()))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("models", nargs="+", metavar="MODEL.npz")
    p.add_argument("--split", choices=("held-out", "tune", "both"), default="held-out")
    p.add_argument("--pen-ratio", type=float, default=MNIST_PEN_RATIO,
                   help="the page's MNIST pen ratio for the strokes (0: keep the drawn pen)")
    p.add_argument("--threshold", type=float, default=0.05, help="ink threshold of the crop")
    p.add_argument("--per-style", type=int, default=3,
                   help="drawings per pen style, placement and split (default 3)")
    p.add_argument("--max-fonts", type=int, default=None, help="use only the first N fonts")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    p.add_argument("--cache", metavar="FILE.npz",
                   help="reuse the images built with the same settings (building takes 1-2 "
                        "minutes)")
    args = p.parse_args(argv)
    start = time.perf_counter()
    settings = {k: getattr(args, k) for k in ("pen_ratio", "threshold", "per_style",
                                               "max_fonts", "seed")}
    samples = external_set.load_cached(args.cache, settings) if args.cache else None
    if samples is None:
        samples = external_set.build(**settings)
        if args.cache:
            external_set.save_cached(args.cache, settings, samples)
    source = np.array(samples.source)
    n_fonts = len(set(np.array(samples.style)[source == "font"]))
    print(f"external set: {np.sum(source == 'font')} font digits from {n_fonts} fonts, "
          f"{np.sum(source == 'stroke')} pen-stroke digits; pen ratio {args.pen_ratio:g}, "
          f"threshold {args.threshold:g}; ready in {time.perf_counter() - start:.0f} s")
    splits = ("tune", "held-out") if args.split == "both" else (args.split,)
    everything = {}
    for path in args.models:
        results = evaluate(nn.load_model(path), samples, splits)
        report(path, results)
        everything[path] = results
    if args.json:
        Path(args.json).write_text(json.dumps({"settings": vars(args), "results": everything},
                                              indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
