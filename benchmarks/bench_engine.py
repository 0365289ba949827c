"""Engine speed benchmark: a training step (forward + backward + update, batch 100) and
single-image inference per preset, float32; with PyTorch installed, the same architectures in
PyTorch CPU in the same run, and the ratio.

    python benchmarks/bench_engine.py            # all presets
    python benchmarks/bench_engine.py --presets simple_convnet --repeats 15

NumPy and PyTorch are timed in separate blocks, never interleaved step by step: on 2 cores their
idle worker threads fight and PyTorch runs several times slower that way (PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nn  # noqa: E402

OPTIMIZER = {  # the book's settings for each network
    "two_layer_net": ("sgd", 0.1),
    "multi_layer_net": ("sgd", 0.01),
    "multi_layer_net_extend": ("sgd", 0.01),
    "simple_convnet": ("adam", 0.001),
    "deep_convnet": ("adam", 0.001),
}


def median_ms(fn: Callable[[], object], repeats: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def batch(n: int = 100, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((n, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, n)


def bench_numpy(name: str, repeats: int) -> tuple[float, float]:
    model = nn.presets.build(name, seed=0)
    opt_name, lr = OPTIMIZER[name]
    opt = nn.optimizers.get(opt_name, lr=lr)
    x, t = batch()
    step = median_ms(lambda: model.train_step(x, t, opt), repeats)
    one = x[:1]
    infer = median_ms(lambda: model.predict_proba(one), max(repeats * 20, 100))
    return step, infer


def torch_twin(model: nn.Sequential):
    """The same architecture in PyTorch (weights copied, so the work is identical)."""
    import torch

    modules: list = []
    for layer in model.layers:
        if isinstance(layer, nn.Conv2D):
            conv = torch.nn.Conv2d(layer.input_shape[0], layer.filters, layer.kernel_size,
                                   layer.stride, layer.pad)
            conv.weight.data = torch.from_numpy(layer.params["W"].copy())
            modules.append(conv)
        elif isinstance(layer, nn.Dense):
            if len(layer.input_shape) > 1:
                modules.append(torch.nn.Flatten())
            lin = torch.nn.Linear(int(np.prod(layer.input_shape)), layer.units)
            lin.weight.data = torch.from_numpy(layer.params["W"].T.copy())
            modules.append(lin)
        elif isinstance(layer, nn.MaxPool2D):
            modules.append(torch.nn.MaxPool2d(layer.pool_size, layer.stride, layer.pad))
        elif isinstance(layer, nn.ReLU):
            modules.append(torch.nn.ReLU())
        elif isinstance(layer, nn.Dropout):
            modules.append(torch.nn.Dropout(layer.rate))
        elif isinstance(layer, nn.BatchNorm):
            modules.append(torch.nn.BatchNorm1d(layer.input_shape[0]))
        else:
            raise NotImplementedError(type(layer).__name__)
    return torch.nn.Sequential(*modules)


def bench_torch(name: str, repeats: int) -> tuple[float, float]:
    import torch

    net = torch_twin(nn.presets.build(name, seed=0))
    opt_name, lr = OPTIMIZER[name]
    opt = (torch.optim.Adam if opt_name == "adam" else torch.optim.SGD)(net.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    xn, tn = batch()
    x, t = torch.from_numpy(xn), torch.from_numpy(tn)

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        loss_fn(net(x), t).backward()
        opt.step()

    net.train()
    step_ms = median_ms(step, repeats)
    net.eval()
    one = x[:1]

    def infer() -> None:
        with torch.no_grad():
            torch.softmax(net(one), dim=1)

    return step_ms, median_ms(infer, max(repeats * 20, 100))


PEAK_SNIPPET = """
import resource, tracemalloc, numpy as np, nn
model = nn.presets.build("deep_convnet", seed=0)
opt = nn.optimizers.get("adam", lr=0.001)
rng = np.random.default_rng(0)
x = rng.random((100, 1, 28, 28), dtype=np.float32); t = rng.integers(0, 10, 100)
model.train_step(x, t, opt)
tracemalloc.start()
model.train_step(x, t, opt)
peak = tracemalloc.get_traced_memory()[1]
print(peak / 2**20, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def peak_memory_mb() -> tuple[float, float]:
    """(peak bytes allocated during one deep_convnet step, process max RSS), in MiB."""
    root = str(Path(__file__).resolve().parents[1])
    out = subprocess.run([sys.executable, "-c", PEAK_SNIPPET], capture_output=True, text=True,
                         check=True, cwd=root).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presets", default=",".join(nn.presets.NAMES))
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--no-torch", action="store_true")
    args = parser.parse_args()
    names = [n.strip() for n in args.presets.split(",") if n.strip()]

    ours = {name: bench_numpy(name, args.repeats) for name in names}
    theirs: dict[str, tuple[float, float]] = {}
    if not args.no_torch:
        try:
            import torch

            torch.set_num_threads(2)
            theirs = {name: bench_torch(name, args.repeats) for name in names}
        except ImportError:
            print("(PyTorch not installed: pip install torch==2.13.0 for the comparison)")

    print(f"NumPy {np.__version__}, float32, batch 100, median of {args.repeats}")
    head = f"{'preset':<24}{'step ms':>9}{'img/s':>9}{'infer ms':>10}"
    if theirs:
        head += f"{'torch step':>12}{'ratio':>7}{'torch inf':>11}"
    print(head)
    for name in names:
        step, infer = ours[name]
        row = f"{name:<24}{step:>9.2f}{100 / step * 1e3:>9.0f}{infer:>10.3f}"
        if name in theirs:
            tstep, tinf = theirs[name]
            row += f"{tstep:>12.2f}{step / tstep:>6.2f}×{tinf:>11.3f}"
        print(row)
    peak, rss = peak_memory_mb()
    print(f"deep_convnet training step: peak allocation {peak:.0f} MiB, "
          f"process max RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
