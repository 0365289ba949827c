"""Engine speed benchmark: per preset, a training step (forward + backward + update, batch 100,
float32, the book's optimizer) and single-image inference (the Draw page's path), with the
achieved GFLOP/s against this machine's own sgemm rate measured in the same run, the peak memory
of a step, and — with PyTorch installed — the same architectures in PyTorch CPU in the same run.

    python benchmarks/bench_engine.py                      # every preset, a plain-text table
    python benchmarks/bench_engine.py --markdown           # the README's table
    python benchmarks/bench_engine.py --presets deep_convnet --epoch   # + one MNIST epoch
    python benchmarks/bench_engine.py --threads 1          # BLAS and PyTorch on one thread
    python benchmarks/bench_engine.py --threads 1 --cpu-time --rounds 5   # on a busy machine

NumPy and PyTorch run in separate blocks, never interleaved step by step: on 2 cores their idle
worker threads fight and PyTorch runs several times slower that way (PERFORMANCE.md). Times are
medians of ``--repeats`` runs after warm-up; ratios compare figures from this same run.
On a machine other processes keep busy, wall-clock times (and two-thread BLAS, whose threads
wait for each other) say little; ``--threads 1 --cpu-time`` then times the thread's own CPU
time and reports the best run, which other processes disturb far less.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH = 100
OPTIMIZER = {  # the book's settings for each network
    "two_layer_net": ("sgd", 0.1),
    "multi_layer_net": ("sgd", 0.01),
    "multi_layer_net_extend": ("sgd", 0.01),
    "simple_convnet": ("adam", 0.001),
    "deep_convnet": ("adam", 0.001),
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presets", default=",".join(OPTIMIZER), help="comma-separated names")
    parser.add_argument("--repeats", type=int, default=9, help="timed runs per figure (median)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="alternate the NumPy and PyTorch blocks this many times and keep "
                        "each figure's best round (for a busy machine)")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS and PyTorch threads (default: the libraries' own default)")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    parser.add_argument("--epoch", action="store_true",
                        help="also train deep_convnet for one epoch of full MNIST (60,000 images)")
    parser.add_argument("--data", default=None, help="MNIST folder for --epoch "
                        "(default: $NN_WORKBENCH_DATA or ../shared/data/mnist)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--cpu-time", action="store_true",
                        help="with --threads 1: this thread's CPU time, best of the repeats "
                        "(for a busy machine)")
    args = parser.parse_args()
    if args.cpu_time and args.threads != 1:
        parser.error("--cpu-time needs --threads 1 (CPU time of one thread)")
    return args


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None and ARGS.threads:  # must precede the first NumPy import
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, str(ROOT))
import nn  # noqa: E402


@dataclass
class Figures:
    step_ms: float
    infer_ms: float
    peak_mib: float | None = None
    transient_mib: float | None = None


def median_ms(fn: Callable[[], object], repeats: int, warmup: int = 3) -> float:
    """Median wall time of ``fn`` in ms (with ``--cpu-time``: the best CPU time)."""
    cpu = bool(ARGS and ARGS.cpu_time)
    clock = time.thread_time if cpu else time.perf_counter
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(clock() - start)
    return (min(times) if cpu else statistics.median(times)) * 1e3


def best(a: Figures | None, b: Figures) -> Figures:
    """The better of two rounds' figures, each figure on its own."""
    if a is None:
        return b
    return Figures(min(a.step_ms, b.step_ms), min(a.infer_ms, b.infer_ms))


def batch(n: int = BATCH, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((n, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, n)


def step_gflop(model: nn.Sequential, n: int = BATCH) -> float:
    """Multiply-adds ×2 of one training step: forward, dW, and dx except for the first layer."""
    total = 0.0
    for index, layer in enumerate(model.layers):
        if isinstance(layer, nn.Conv2D):
            f, oh, ow = layer.output_shape
            kh, kw = layer.kernel_size
            fwd = 2.0 * n * f * oh * ow * layer.input_shape[0] * kh * kw
        elif isinstance(layer, nn.Dense):
            fwd = 2.0 * n * int(np.prod(layer.input_shape)) * layer.units
        else:
            continue
        total += fwd * (2 if index == 0 else 3)
    return total / 1e9


def sgemm_gflops(size: int = 2048, repeats: int = 7) -> float:
    """This machine's large float32 matmul rate, with the BLAS threads of this run."""
    rng = np.random.default_rng(0)
    a, b = rng.random((size, size), dtype=np.float32), rng.random((size, size), dtype=np.float32)
    out = np.empty_like(a)
    ms = median_ms(lambda: np.matmul(a, b, out=out), repeats, warmup=2)
    return 2.0 * size**3 / (ms * 1e-3) / 1e9


PEAK_SNIPPET = """
import sys, tracemalloc
import numpy as np
sys.path.insert(0, sys.argv[1])
import nn
tracemalloc.start()  # after the imports: the model, its buffers and the steps count
name, opt_name, lr = sys.argv[2], sys.argv[3], float(sys.argv[4])
model = nn.presets.build(name, seed=0)
opt = nn.optimizers.get(opt_name, lr=lr)
rng = np.random.default_rng(0)
x, t = rng.random((100, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, 100)
model.train_step(x, t, opt)
tracemalloc.reset_peak()
held = tracemalloc.get_traced_memory()[0]
model.train_step(x, t, opt)
peak = tracemalloc.get_traced_memory()[1]
print(peak / 2**20, (peak - held) / 2**20)
"""


def peak_step_mib(name: str) -> tuple[float, float]:
    """Peak traced memory during a training step (MiB), in a fresh process traced from before
    the model is built, so everything the engine holds counts — weights, optimizer state,
    scratch buffers, caches kept for backward, the batch — and the part the step allocated on
    top of what was held when it began."""
    opt_name, lr = OPTIMIZER[name]
    out = subprocess.run([sys.executable, "-c", PEAK_SNIPPET, str(ROOT), name, opt_name, str(lr)],
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def bench_numpy(name: str, repeats: int) -> Figures:
    model = nn.presets.build(name, seed=0)
    opt_name, lr = OPTIMIZER[name]
    opt = nn.optimizers.get(opt_name, lr=lr)
    x, t = batch()
    step = median_ms(lambda: model.train_step(x, t, opt), repeats)
    one = x[:1]
    infer = median_ms(lambda: model.predict_proba(one), max(repeats * 20, 100), warmup=20)
    return Figures(step, infer)


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


def bench_torch(name: str, repeats: int) -> Figures:
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

    return Figures(step_ms, median_ms(infer, max(repeats * 20, 100), warmup=20))


def mnist_epoch(data: str | None) -> tuple[float, float, float] | None:
    """Wall and CPU seconds for one epoch of deep_convnet on the 60,000 MNIST training images
    (batch 100, Adam 0.001, shuffled with seed 0), and the test accuracy after it; None
    without the data."""
    folder = data or os.environ.get(nn.datasets.DATA_ENV) or str(ROOT.parent / "shared/data/mnist")
    if not nn.datasets.mnist_available(folder):
        print(f"(MNIST not found in {folder}: --data DIR for the epoch)")
        return None
    mnist = nn.datasets.load("mnist", data_dir=folder)
    model = nn.presets.build("deep_convnet", seed=0)
    opt = nn.optimizers.get("adam", lr=0.001)
    start, cpu = time.perf_counter(), time.process_time()
    for idx in nn.datasets.batch_indices(len(mnist.x_train), BATCH, rng=0):
        model.train_step(mnist.x_train[idx], mnist.y_train[idx], opt)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return seconds, cpu, model.accuracy(mnist.x_test, mnist.y_test)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = "BLAS"
    with contextlib.suppress(Exception):  # only for the header line
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
    threads = ARGS.threads if ARGS and ARGS.threads else f"default ({os.cpu_count()} cores)"
    return f"{cpu}, {os.cpu_count()} cores; NumPy {np.__version__} ({blas}); threads: {threads}"


def print_table(rows: list[list[str]], markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(rows[0]) + " |")
        print("|" + "|".join("---" for _ in rows[0]) + "|")
        for row in rows[1:]:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                        enumerate(zip(row, widths, strict=True))))


def main(args: argparse.Namespace) -> None:
    names = [n.strip() for n in args.presets.split(",") if n.strip()]
    torch = None
    if not args.no_torch:
        try:
            import torch

            if args.threads:
                torch.set_num_threads(args.threads)
        except ImportError:
            print("(PyTorch not installed: pip install torch==2.13.0 for the comparison)")
    gemm = 0.0
    ours: dict[str, Figures] = {}
    theirs: dict[str, Figures] = {}
    for _ in range(args.rounds):  # whole blocks alternate, never single steps
        gemm = max(gemm, sgemm_gflops())
        for name in names:
            ours[name] = best(ours.get(name), bench_numpy(name, args.repeats))
        gemm = max(gemm, sgemm_gflops())  # before and after the block: the better
        if torch is not None:
            for name in names:
                theirs[name] = best(theirs.get(name), bench_torch(name, args.repeats))
    for name in names:
        ours[name].peak_mib, ours[name].transient_mib = peak_step_mib(name)
    torch_version = torch.__version__ if torch is not None else None

    print(machine())
    stat = f"best CPU time of {args.repeats}" if args.cpu_time else f"median of {args.repeats}"
    if args.rounds > 1:
        stat += f", best of {args.rounds} alternating rounds"
    print(f"float32, batch {BATCH}, {stat}; sgemm 2048² in this run: "
          f"{gemm:.0f} GFLOP/s" + (f"; PyTorch {torch_version}" if torch_version else ""))
    head = ["preset", "step ms", "images/s", "GFLOP/s", "% of sgemm", "peak MiB", "of which step",
            "infer ms"]
    if theirs:
        head += ["torch step ms", "ratio", "torch infer ms", "infer ratio"]
    rows = [head]
    for name in names:
        f = ours[name]
        gflop = step_gflop(nn.presets.build(name, seed=0))
        rate = gflop / (f.step_ms * 1e-3)
        row = [name, f"{f.step_ms:.2f}", f"{BATCH / f.step_ms * 1e3:,.0f}", f"{rate:.0f}",
               f"{100 * rate / gemm:.0f} %", f"{f.peak_mib:.1f}", f"{f.transient_mib:.1f}",
               f"{f.infer_ms:.3f}"]
        if name in theirs:
            t = theirs[name]
            row += [f"{t.step_ms:.2f}", f"{f.step_ms / t.step_ms:.2f}×", f"{t.infer_ms:.3f}",
                    f"{f.infer_ms / t.infer_ms:.2f}×"]
        rows.append(row)
    print_table(rows, args.markdown)
    if args.epoch:
        result = mnist_epoch(args.data)
        if result:
            seconds, cpu, acc = result
            print(f"deep_convnet, one epoch of MNIST (60,000 images, batch {BATCH}, Adam): "
                  f"{seconds:.1f} s ({60000 / seconds:,.0f} images/s, {cpu:.1f} s of CPU); "
                  f"test accuracy {acc:.2%}")


if __name__ == "__main__":
    main(ARGS)
