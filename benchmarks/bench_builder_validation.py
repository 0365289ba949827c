"""Builder validation: the time one edit of the layer stack takes to be checked (issue 13).

Every edit in the Build & Train builder re-validates the stack on the GUI thread
(``BuilderState.validation()``: every layer's output shape and parameter count, or the engine's
message naming the failing layer). The validation is shape-only (:func:`nn.blueprint.blueprint`),
so no edit allocates a weight. This measures, per case, the median (and p95) over many edits of
``update`` + ``validation()``:

* ``simple_convnet`` — the book's ch. 7 network (target < 2 ms per edit);
* a 40-layer stack — 20 × (Dense 64, ReLU) on 784 inputs (target ≤ 10 ms per edit);
* the 49 GiB stack — Conv2D 1024 filters pad 1 then Dense 8192 on 28×28: 6.6 billion weights,
  refused with a message naming the Dense layer (target < 10 ms).

    python benchmarks/bench_builder_validation.py            # prints the medians
    python benchmarks/bench_builder_validation.py --check    # exit 1 if a target is missed
    python benchmarks/bench_builder_validation.py --edits 500

Run on demand (never in the test suite): timings on a shared machine vary with its load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.state.builder import BuilderState  # noqa: E402

TARGETS_MS = {"simple_convnet": 2.0, "40-layer stack": 10.0, "49 GiB stack (refused)": 10.0}


def _simple_convnet() -> tuple[BuilderState, int, str, list]:
    state = BuilderState()
    state.load_preset("simple_convnet", input_shape=(1, 28, 28), classes=10)
    conv = next(i for i, spec in enumerate(state.layers) if spec["type"] == "Conv2D")
    return state, conv, "filters", [30, 29]


def _forty_layers() -> tuple[BuilderState, int, str, list]:
    state = BuilderState()
    layers = []
    for _ in range(20):
        layers += [{"type": "Dense", "config": {"units": 64}}, {"type": "ReLU", "config": {}}]
    state.load_config({"layers": layers[:-1] + [{"type": "Dense", "config": {"units": 10}}],
                       "input_shape": [784], "init": "he"})
    assert len(state.layers) == 40
    return state, 20, "units", [65, 64]


def _huge() -> tuple[BuilderState, int, str, list]:
    state = BuilderState()
    state.load_config({"layers": [
        {"type": "Conv2D", "config": {"filters": 1024, "kernel_size": 3, "pad": 1}},
        {"type": "ReLU", "config": {}}, {"type": "Flatten", "config": {}},
        {"type": "Dense", "config": {"units": 8192}}], "input_shape": [1, 28, 28]})
    return state, 3, "units", [8193, 8192]


CASES = {"simple_convnet": _simple_convnet, "40-layer stack": _forty_layers,
         "49 GiB stack (refused)": _huge}


def measure(make, edits: int) -> tuple[list[float], str]:
    state, index, key, values = make()
    state.validation()
    times = []
    for k in range(edits):
        start = time.perf_counter()
        state.update(index, **{key: values[k % 2]})
        result = state.validation()
        times.append((time.perf_counter() - start) * 1e3)
    return times, result.summary() if not result.ok else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=200, help="edits per case (default 200)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    missed = False
    print(f"{'case':26} {'median ms':>10} {'p95 ms':>8} {'target':>8}")
    for name, make in CASES.items():
        times, refusal = measure(make, args.edits)
        median = statistics.median(times)
        p95 = sorted(times)[int(0.95 * (len(times) - 1))]
        ok = median < TARGETS_MS[name]
        missed |= not ok
        print(f"{name:26} {median:10.3f} {p95:8.3f} {'<' if ok else '≥'}{TARGETS_MS[name]:6.1f}")
        if refusal:
            print(f"    refused: {refusal}")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
