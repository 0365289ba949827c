"""The learning-rate range test against the rate that really trains best.

On simple_convnet and the embedded digits: run :func:`nn.diagnose.lr_range_test`, then train
a fresh copy at each rate of a sweep for the same number of steps (same seed, same batches)
and report each rate's validation accuracy next to the finder's proposals.

    python benchmarks/lr_finder_sweep.py                     # Adam and SGD, 100 steps
    python benchmarks/lr_finder_sweep.py --steps 300 --optimizers adam
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RATES = {"adam": [1e-5, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1],
         "sgd": [1e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--optimizers", default="adam,sgd")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import nn
    from nn.diagnose import lr_range_test

    digits = nn.datasets.load("digits")
    x, y = digits.x_train[:6000], digits.y_train[:6000]
    x_val, y_val = digits.x_train[6000:7000], digits.y_train[6000:7000]
    for name in args.optimizers.split(","):
        start = time.perf_counter()
        found = lr_range_test(nn.presets.build("simple_convnet", seed=0), x, y, optimizer=name,
                              lr_min=1e-5, lr_max=10.0, steps=args.steps, batch_size=50)
        took = time.perf_counter() - start
        print(f"{name}: finder {took:.1f}s, {len(found.lrs)} steps ({found.stopped}); "
              f"steepest {found.steepest:.3g}, min/10 {found.min_over_10:.3g} → proposed "
              f"{found.proposed:.3g} ({found.rule})")
        scores = {}
        for lr in RATES[name]:
            model = nn.presets.build("simple_convnet", seed=0)
            opt = nn.optimizers.get(name, lr=lr)
            rng = np.random.default_rng(0)
            with np.errstate(all="ignore"):
                for _ in range(args.steps):
                    idx = rng.choice(len(x), 50, replace=False)
                    model.train_step(x[idx], y[idx], opt)
                scores[lr] = model.accuracy(x_val, y_val)
            print(f"   lr {lr:<8g} validation accuracy {100 * scores[lr]:5.1f} %", flush=True)
        best = max(scores, key=scores.get)
        print(f"   best {best:g}; proposal / best = {found.proposed / best:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
