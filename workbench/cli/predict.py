"""``predict``: class probabilities for image files, preprocessed like the drawing canvas
(:func:`workbench.core.imageio.load_for_model`: either polarity, cropped, scaled to 20 px,
centred by mass in 28×28, as MNIST).

A blank image is "nothing drawn". When the model file carries a "not a digit" calibration
(:mod:`nn.ood`, written by ``scripts/calibrate_ood.py``), an image whose energy score is below
it is reported as not looking like a digit: the softmax still shows bars (they always sum to
100 %, book ch. 3.5), but no class fits.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

import nn
from nn import ood
from workbench.cli.common import EXIT_OK, CliError, note, out

_BAR = 20


def class_names(model: nn.Sequential) -> list[str]:
    """The model's recorded class names, else ``"0"``, ``"1"``, …"""
    recorded = model.metadata.get("class_names") if isinstance(model.metadata, dict) else None
    k = model.num_classes
    if isinstance(recorded, list) and len(recorded) == k:
        return [str(name) for name in recorded]
    return [str(i) for i in range(k)]


def _finite_only(model_path: str, kept: list, x: np.ndarray, probs: np.ndarray,
                 logits: np.ndarray) -> tuple[list, np.ndarray, np.ndarray, np.ndarray]:
    """The images whose outputs are numbers; a note for each other one, an error if none.

    Finite but huge weights can overflow to NaN or infinity in the forward pass (the loader
    refuses only weights that are not finite themselves)."""
    finite = np.isfinite(probs).all(axis=1)
    if finite.all():
        return kept, x, probs, logits
    reason = ("the model's outputs are not numbers (the computation overflowed: its weights "
              "are too large)")
    if not finite.any():
        raise CliError(f"{model_path}: {reason}; it cannot classify "
                       f"{kept[0][0] if len(kept) == 1 else 'these images'}")
    for (path, _), ok in zip(kept, finite, strict=True):
        if not ok:
            note(f"{path}: not classified: {reason}")
    kept = [item for item, ok in zip(kept, finite, strict=True) if ok]
    return kept, x[finite], probs[finite], logits[finite]


def run(args: argparse.Namespace, argv: list[str]) -> int:
    """Run the ``predict`` command."""
    from workbench.core.imageio import load_for_model

    model = nn.load_model(args.model)
    shape = tuple(model.input_shape)
    if int(np.prod(shape)) != 28 * 28:
        raise CliError(f"the model takes inputs of shape {shape}, not 28×28 images")
    images = [load_for_model(path) for path in args.images]
    blank = [path for path, image in zip(args.images, images, strict=True) if not image.any()]
    if len(blank) == len(images):
        raise CliError("nothing drawn: every image is blank" if len(images) > 1 else
                       f"{blank[0]}: nothing drawn; nothing to classify: the image is blank")
    for path in blank:
        note(f"{path}: no ink found (the image is blank, a single colour or transparent): "
             "nothing drawn, nothing to classify")
    kept = [(path, image) for path, image in zip(args.images, images, strict=True)
            if path not in blank]
    x = np.stack([image for _, image in kept]).reshape(-1, *shape)
    with np.errstate(over="ignore", invalid="ignore"):
        probs = model.predict_proba(x)
        logits = ood.logits(model, x)
    kept, x, probs, logits = _finite_only(args.model, kept, x, probs, logits)
    calibration = ood.from_metadata(model.metadata)
    scores = ood.energy_score(logits, calibration.temperature if calibration else 1.0)
    verdicts = ood.verdict(x, logits, calibration)
    names = class_names(model)
    results: list[dict[str, Any]] = []
    for (path, _), p, score, verdict in zip(kept, probs, scores, verdicts, strict=True):
        order = np.argsort(-p, kind="stable")
        shown = order[: args.top] if args.top else np.arange(len(p))
        best = int(order[0])
        results.append({
            "file": path,
            "index": best,
            "class": names[best],
            "confidence": float(p[best]),
            "verdict": verdict,
            "ood_score": float(score),
            "ood_threshold": calibration.threshold if calibration else None,
            "probabilities": [{"index": int(i), "class": names[i], "probability": float(p[i])}
                              for i in shown],
        })
    if args.json:
        out(json.dumps(results, indent=1))
        return EXIT_OK
    width = max(len(n) for n in names)
    for i, result in enumerate(results):
        if i:
            out()
        out(f"{result['file']}: {result['class']} ({100 * result['confidence']:.2f} %)")
        if result["verdict"] == ood.NOT_A_DIGIT:
            out(f"  this doesn't look like a digit: its energy score {result['ood_score']:.2f} "
                f"is below {calibration.threshold:.2f}, which "
                f"{100 * (1 - calibration.max_flag_rate):g} % of the {calibration.source} digits "
                "exceed. The bars still add up to 100 %: softmax always shares all of the "
                "probability among the classes (book ch. 3.5).")
        for row in result["probabilities"]:
            bar = "#" * int(round(row["probability"] * _BAR))
            mark = " <" if row["index"] == result["index"] else ""
            line = f"  {row['class']:>{width}}  {100 * row['probability']:6.2f} %  {bar}{mark}"
            out(line.rstrip())
    return EXIT_OK
