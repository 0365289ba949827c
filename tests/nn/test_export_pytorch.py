"""The PyTorch code: ``model.py`` run without this project gives ``predict_proba``'s classes and
probabilities to 1e-5, loads its weights without pickle, and keeps training. Skips without torch
(``pip install torch`` to run it)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

import nn
from nn import layers as L
from nn.export import ExportError, to_pytorch_script
from nn.export.pytorch_script import pytorch_script_source
from tests.nn.export_cases import CASES, assert_close, digit_inputs, toy_model, trained

pytest.importorskip("torch")

#: For each folder given: load model.py's network (this project blocked) and save its
#: probabilities for x.npy as probabilities.npy.
DRIVER = """
import importlib.util, sys
sys.modules.update(nn=None, workbench=None, tests=None)
import numpy as np, torch
for folder in sys.argv[1:]:
    spec = importlib.util.spec_from_file_location("model_" + str(abs(hash(folder))),
                                                  folder + "/model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    net = module.load_model()
    x = torch.from_numpy(np.load(folder + "/x.npy", allow_pickle=False))
    np.save(folder + "/probabilities.npy", net.predict_proba(x).numpy())
"""


def run_driver(*folders) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-I", "-c", DRIVER, *map(str, folders)],
                          capture_output=True, text=True, timeout=600)


def test_pytorch_code_without_this_project_equals_predict_proba(tmp_path):
    """All cases in one subprocess (importing torch takes seconds)."""
    folders, expected = [], {}
    cases = [*CASES, "mse", "sigmoid_bce"]
    for case in cases:
        if case in ("mse", "sigmoid_bce"):
            model, x = toy_model(case)
        else:
            model, x = trained(case), digit_inputs()
        folder = to_pytorch_script(model, tmp_path / case)
        assert sorted(p.name for p in folder.iterdir()) == ["model.py", "weights.npz"]
        np.save(folder / "x.npy", x)
        folders.append(folder)
        expected[case] = model.predict_proba(x)
    proc = run_driver(*folders)
    assert proc.returncode == 0, proc.stderr
    for case, folder in zip(cases, folders, strict=True):
        assert_close(np.load(folder / "probabilities.npy"), expected[case], case)


def test_pytorch_model_keeps_training_and_matches_the_loss(tmp_path):
    import torch

    model = trained("every_layer")
    folder = to_pytorch_script(model, tmp_path)
    spec_code = (
        "import importlib.util, json, sys; sys.modules.update(nn=None, workbench=None); "
        "import numpy as np, torch; "
        f"spec = importlib.util.spec_from_file_location('m', r'{folder / 'model.py'}'); "
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); "
        "net = m.load_model(); "
        f"x = torch.from_numpy(np.load(r'{tmp_path / 'x.npy'}')); "
        f"t = torch.from_numpy(np.load(r'{tmp_path / 't.npy'}')); "
        "first = float(m.loss_fn(net(x), t)); net.train(); "
        "opt = torch.optim.Adam(net.parameters(), lr=1e-3); "
        "[(opt.zero_grad(), m.loss_fn(net(x), t).backward(), opt.step()) for _ in range(20)]; "
        "net.eval(); print(json.dumps([first, float(m.loss_fn(net(x), t)), "
        "sum(p.numel() for p in net.parameters())]))"
    )
    data_x, labels = digit_inputs(), nn.datasets.load("digits").y_test[:100]
    np.save(tmp_path / "x.npy", data_x)
    np.save(tmp_path / "t.npy", labels)
    proc = subprocess.run([sys.executable, "-I", "-c", spec_code], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    first, after, count = json.loads(proc.stdout)
    engine_loss = model.loss.forward(model.forward(data_x), labels)
    assert first == pytest.approx(engine_loss, abs=1e-5)
    assert after < first  # twenty Adam steps on the same batch lower its loss
    assert count == model.parameter_count
    assert torch.__version__  # the test really ran with PyTorch


def test_module_text_names_layers_by_engine_index(tmp_path):
    text = pytorch_script_source(trained("every_layer"))
    assert '("0", nn.Conv2d(1, 6, kernel_size=(3, 3), stride=1, padding=1)),' in text
    assert '("1", nn.BatchNorm2d(6, eps=1e-06, momentum=0.1)),' in text
    assert '("6_pad", nn.ConstantPad2d(2, float(\'-inf\'))),' in text  # pad 2 > 3 // 2
    assert '("14", nn.Linear(32, 16, bias=False)),' in text
    assert '("13", nn.Dropout(p=0.3)),' in text
    assert "allow_pickle=False" in text
    assert not re.search(r"^\s*(import|from)\s+(nn|workbench|tests)\b", text, re.M)


def test_unknown_layer_is_an_error_naming_it():
    class Custom(L.Tanh):
        pass

    with pytest.raises(ExportError, match=r"Layer 1 \(Custom\(\)\) cannot be exported"):
        pytorch_script_source(nn.Sequential([L.Dense(3), Custom()], (3,)))
