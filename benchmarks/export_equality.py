"""How equal the exports are: the README table of "Taking a model elsewhere".

For each model the export tests use (``tests/nn/export_cases.py``: every preset and the
every-layer stacks trained briefly, the shipped Draw model), exports it three ways and prints
the largest difference from ``model.predict_proba`` on the first 100 test images of the
embedded digits, as a Markdown table: ONNX Runtime, the standalone ``predict.py`` (run in a
subprocess with this project blocked) and the PyTorch module (a dash when torch is missing).

    python benchmarks/export_equality.py        # needs onnxruntime; torch optional
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nn  # noqa: E402 — after the path above, for a plain checkout
from tests.nn.export_cases import (  # noqa: E402
    CASES,
    digit_inputs,
    json_probabilities,
    load_generated,
    run_script,
    trained,
)


def main() -> int:
    import onnxruntime as ort

    try:
        import torch
    except ImportError:
        torch = None
    x = digit_inputs()
    labels = nn.datasets.load("digits").y_test[: len(x)]
    with tempfile.TemporaryDirectory(prefix="export_equality") as tmp:
        folder = Path(tmp)
        np.save(folder / "x.npy", x)
        print(f"| model | ONNX Runtime {ort.__version__} | predict.py | PyTorch "
              f"{torch.__version__ if torch else '(not installed)'} | accuracy |")
        print("|---|---|---|---|---|")
        for case in CASES:
            model = trained(case)
            ref = model.predict_proba(x)
            path = nn.export.to_onnx(model, folder / f"{case}.onnx")
            session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
            e_onnx = np.abs(session.run(None, {"input": x})[0] - ref).max()
            script = nn.export.to_numpy_script(model, folder / f"{case}_numpy")
            proc = run_script(script, "--json", folder / "x.npy")
            e_numpy = np.abs(json_probabilities(proc.stdout) - ref).max()
            e_torch = "-"
            if torch is not None:
                module = load_generated(nn.export.to_pytorch_script(model, folder / case),
                                        "model")
                proba = module.load_model().predict_proba(torch.from_numpy(x)).numpy()
                e_torch = f"{np.abs(proba - ref).max():.1e}"
            accuracy = float((ref.argmax(axis=1) == labels).mean())
            print(f"| {case} | {e_onnx:.1e} | {e_numpy:.1e} | {e_torch} | {accuracy:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
