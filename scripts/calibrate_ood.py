"""Store a "not a digit" threshold in a model file (its metadata key ``"ood"``, :mod:`nn.ood`).

    python scripts/calibrate_ood.py resources/models/digits_deep_convnet.npz \\
        --data-dir ../shared/data/mnist [--max-flag-rate 0.02]

The threshold on the energy score of the logits is the highest that flags at most
``--max-flag-rate`` of the official MNIST test digits (the embedded test split when full MNIST
is not found). Only the metadata changes: the weights are written back bit for bit, and the
file is replaced atomically.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import nn  # noqa: E402
from nn import datasets, ood  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model", metavar="MODEL.npz")
    p.add_argument("--data-dir", metavar="DIR", help="folder with the MNIST IDX files")
    p.add_argument("--max-flag-rate", type=float, default=0.02)
    args = p.parse_args(argv)
    model = nn.load_model(args.model)
    if args.data_dir and datasets.mnist_available(args.data_dir):
        data, source = datasets.load("mnist", data_dir=args.data_dir), "MNIST test"
    else:
        data, source = datasets.load("digits"), "embedded test"
    scores = ood.energy_score(ood.logits(model, data.x_test))
    cal = ood.calibrate(scores, args.max_flag_rate, source)
    before = model.state_dict()
    nn.save_model(model, args.model, {**model.metadata, "ood": ood.to_metadata(cal)})
    after = nn.load_model(args.model).state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before), "weights changed"
    print(f"{args.model}: threshold {cal.threshold:.4f} flags {100 * cal.flag_rate:.2f} % of "
          f"{cal.count:,} {source} digits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
