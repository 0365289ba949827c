"""PyTorch code of a model: ``model.py`` (an ``nn.Module``) plus ``weights.npz`` in its layout.

Each engine layer becomes the ``torch.nn`` module that computes the same thing, named by the
layer's index inside one ``nn.Sequential`` (so the engine's ``"3.W"`` is ``layers.3.weight``):

=============  ==================================================================================
Dense          ``nn.Linear`` (weight = the engine's ``W`` transposed), after an ``nn.Flatten``
               named ``"<i>_flatten"`` when the input has several axes (the engine's Dense
               flattens by itself)
Conv2D         ``nn.Conv2d`` with ``stride`` and ``padding``
MaxPool2D      ``nn.MaxPool2d``; AvgPool2D ``nn.AvgPool2d`` (``count_include_pad=True``, as the
               engine). PyTorch refuses padding above half the window, so then the padding is an
               explicit ``nn.ConstantPad2d`` (−inf for max, 0 for average) named ``"<i>_pad"``
BatchNorm      ``nn.BatchNorm1d`` / ``nn.BatchNorm2d`` with the same ``eps`` and PyTorch's
               ``momentum = 1 − engine momentum`` (PyTorch weighs the *new* batch by it)
Dropout        ``nn.Dropout(rate)``: inverted dropout in both, so it matters in training only
activations    ``nn.ReLU``, ``nn.LeakyReLU(alpha)``, ``nn.Sigmoid``, ``nn.Tanh``, ``nn.Identity``;
               ``Step`` a small module ``(x > 0)`` (its gradient is zero, as in the engine)
=============  ==================================================================================

``weights.npz`` holds the ``state_dict()`` of that module as plain arrays (BatchNorm's
``num_batches_tracked`` included), loaded with ``allow_pickle=False``. The generated module needs
PyTorch and NumPy, nothing from this project.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from nn.export.ops import ExportPlan, Op, plan
from nn.export.writing import (
    WEIGHTS_FILE,
    architecture_lines,
    prepare_folder,
    provenance,
    write_script,
    write_weights,
)
from nn.model import Sequential

SCRIPT_FILE = "model.py"

_HEADS = {
    "softmax": ("torch.softmax(scores, dim=1)", "F.cross_entropy(scores, labels)",
                "softmax cross-entropy"),
    "sigmoid_pair": ("torch.cat([1 - torch.sigmoid(scores), torch.sigmoid(scores)], dim=1)",
                     "F.binary_cross_entropy_with_logits(scores.reshape(-1), "
                     "labels.to(scores.dtype))",
                     "sigmoid binary cross-entropy"),
    "identity": ("scores",
                 "0.5 * ((scores - F.one_hot(labels, scores.shape[1]).to(scores.dtype)) ** 2)"
                 ".sum() / scores.shape[0]",
                 "half the squared error summed over the outputs, averaged over the batch"),
}

_STEP = '''

class Step(nn.Module):
    """The perceptron's step function, 1 where x > 0 else 0 (book ch. 2-3.2). Its gradient is
    zero everywhere, so layers before it do not learn through it (the engine refuses to train
    it at all)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x > 0).to(x.dtype)'''


def _pool_pad_is_explicit(op: Op) -> bool:
    """PyTorch's pools accept at most half the window as padding."""
    return op.attrs["pad"] > min(op.attrs["pool"]) // 2


def _modules(op: Op) -> list[tuple[str, str]]:
    """(name, constructor) pairs of the torch modules computing ``op``."""
    i, a = str(op.index), op.attrs
    if op.kind == "dense":
        w = op.arrays["W"]
        bias = "" if "b" in op.arrays else ", bias=False"
        linear = (i, f"nn.Linear({w.shape[0]}, {w.shape[1]}{bias})")
        return [(f"{i}_flatten", "nn.Flatten()"), linear] if op.flattens else [linear]
    if op.kind == "conv":
        f, c, kh, kw = op.arrays["W"].shape
        return [(i, f"nn.Conv2d({c}, {f}, kernel_size={(kh, kw)}, stride={a['stride']}, "
                    f"padding={a['pad']})")]
    if op.kind in ("maxpool", "avgpool"):
        cls = "nn.MaxPool2d" if op.kind == "maxpool" else "nn.AvgPool2d"
        pool = f"{cls}(kernel_size={tuple(a['pool'])}, stride={a['stride']}"
        if not _pool_pad_is_explicit(op):
            return [(i, f"{pool}, padding={a['pad']})")]
        fill = "float('-inf')" if op.kind == "maxpool" else "0.0"
        return [(f"{i}_pad", f"nn.ConstantPad2d({a['pad']}, {fill})"), (i, f"{pool})")]
    if op.kind == "batchnorm":
        cls = "nn.BatchNorm1d" if len(op.input_shape) == 1 else "nn.BatchNorm2d"
        n = op.arrays["gamma"].shape[0]
        return [(i, f"{cls}({n}, eps={a['eps']!r}, momentum={round(1.0 - a['momentum'], 12)!r})")]
    if op.kind == "dropout":
        return [(i, f"nn.Dropout(p={a['rate']!r})")]
    if op.kind == "leaky_relu":
        return [(i, f"nn.LeakyReLU(negative_slope={a['alpha']!r})")]
    simple = {"relu": "nn.ReLU()", "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()",
              "identity": "nn.Identity()", "flatten": "nn.Flatten()", "step": "Step()"}
    return [(i, simple[op.kind])]


def torch_state(p: ExportPlan) -> dict[str, NDArray]:
    """The arrays of the generated module's ``state_dict()``, in PyTorch's layouts."""
    state: dict[str, NDArray] = {}
    for op in p.ops:
        key, arr = f"layers.{op.index}", op.arrays
        if op.kind == "dense":
            state[f"{key}.weight"] = np.ascontiguousarray(arr["W"].T)
            if "b" in arr:
                state[f"{key}.bias"] = arr["b"]
        elif op.kind == "conv":
            state[f"{key}.weight"], state[f"{key}.bias"] = arr["W"], arr["b"]
        elif op.kind == "batchnorm":
            state[f"{key}.weight"], state[f"{key}.bias"] = arr["gamma"], arr["beta"]
            state[f"{key}.running_mean"] = arr["running_mean"]
            state[f"{key}.running_var"] = arr["running_var"]
            state[f"{key}.num_batches_tracked"] = np.array(0, dtype=np.int64)
    return state


def _module_class(p: ExportPlan) -> str:
    rows = []
    for op in p.ops:
        shape = "x".join(map(str, op.output_shape))
        rows.append(f"            # {op.index}: {op.description} -> {shape}")
        rows += [f'            ("{name}", {ctor}),' for name, ctor in _modules(op)]
    proba, _, _ = _HEADS[p.head]
    return "\n".join([
        "class Net(nn.Module):",
        f'    """{p.name}: the workbench model layer for layer; ``forward`` returns the scores',
        '    (logits), ``predict_proba`` the probabilities the workbench shows."""',
        "",
        "    def __init__(self) -> None:",
        "        super().__init__()",
        "        self.layers = nn.Sequential(OrderedDict([",
        *rows,
        "        ]))",
        "",
        "    def forward(self, x: torch.Tensor) -> torch.Tensor:",
        '        """Scores (N, K) for inputs (N, *INPUT_SHAPE); flat rows (N, D) are reshaped."""',
        "        return self.layers(x.reshape(x.shape[0], *INPUT_SHAPE))",
        "",
        "    @torch.no_grad()",
        "    def predict_proba(self, x: torch.Tensor) -> torch.Tensor:",
        '        """Class probabilities (N, K) for inputs (N, *INPUT_SHAPE)."""',
        "        scores = self(x)",
        f"        return {proba}",
    ])


def pytorch_script_source(model: Sequential) -> str:
    """The text of ``model.py`` for ``model``."""
    p = plan(model)
    _, loss, loss_text = _HEADS[p.head]
    shape = ", ".join(map(str, p.input_shape))
    dtype = {"float32": "torch.float32", "float64": "torch.float64"}[p.dtype]
    doc = "\n".join([
        f'"""{p.name} in PyTorch: the same architecture as in Neural Network Workbench, with its',
        "trained weights, ready to keep training.",
        "",
        provenance(p),
        f"The weights are in {WEIGHTS_FILE} next to this file, under the names of",
        "``Net().state_dict()`` and in PyTorch's layouts, read with allow_pickle=False.",
        "",
        "    import torch",
        "    from model import load_model, loss_fn",
        "    net = load_model()                     # in eval() mode, as the workbench predicts",
        f"    probabilities = net.predict_proba(torch.from_numpy(x))  # x: (N, {shape})",
        "    net.train()                            # keep training",
        "    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)",
        "    loss = loss_fn(net(images), labels)   # labels: int64 class indices",
        "    optimizer.zero_grad(); loss.backward(); optimizer.step()",
        "",
        "The network:",
        architecture_lines(p),
        "",
        "Training differs from the workbench in small ways: PyTorch's BatchNorm keeps an unbiased",
        "running variance, and its random numbers (initial weights, dropout) are its own.",
        '"""',
    ])
    imports = "\n".join([
        "from __future__ import annotations", "",
        "from collections import OrderedDict", "from pathlib import Path", "",
        "import numpy as np", "import torch", "import torch.nn.functional as F",
        "from torch import nn",
    ])
    parts = [
        f"{doc}\n\n{imports}\n\n" + "\n".join([
            "HERE = Path(__file__).resolve().parent",
            f"INPUT_SHAPE = {tuple(p.input_shape)!r}",
            f"CLASS_NAMES = {json.dumps(p.class_names, ensure_ascii=False)}",
            f"DTYPE = {dtype}  # the precision the network was trained in",
        ]) + ("\n" + _STEP if "step" in p.used_kinds() else ""),
        _module_class(p),
        "\n".join([
            "def loss_fn(scores: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:",
            f'    """The loss the workbench trained with: {loss_text}."""',
            f"    return {loss}",
        ]),
        "\n".join([
            "def load_model(path: str | Path | None = None) -> Net:",
            f'    """A :class:`Net` with the exported weights ({WEIGHTS_FILE} next to this file by',
            '    default), in eval() mode."""',
            "    net = Net().to(DTYPE)",
            f'    with np.load(HERE / "{WEIGHTS_FILE}" if path is None else path,',
            "                 allow_pickle=False) as archive:",
            "        state = {name: torch.from_numpy(archive[name]) for name in archive.files}",
            "    net.load_state_dict(state, strict=True)",
            "    return net.eval()",
        ]),
        "\n".join([
            'if __name__ == "__main__":',
            "    net = load_model()",
            "    print(net)",
            '    print(f"{sum(t.numel() for t in net.parameters()):,} parameters")',
        ]),
    ]
    return "\n\n\n".join(parts) + "\n"


def to_pytorch_script(model: Sequential, folder: str | os.PathLike) -> Path:
    """Write ``model.py`` and ``weights.npz`` (the module's ``state_dict``) into ``folder``,
    created if needed; return the folder."""
    text = pytorch_script_source(model)
    folder = prepare_folder(folder)
    write_weights(folder / WEIGHTS_FILE, torch_state(plan(model)))
    write_script(folder / SCRIPT_FILE, text)
    return folder


__all__ = ["SCRIPT_FILE", "pytorch_script_source", "to_pytorch_script", "torch_state"]
