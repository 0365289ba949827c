"""Every file the workbench writes goes through nn.fileio's one atomic writer (issue 13)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def test_every_writer_goes_through_the_one_atomic_writer(tmp_path: Path, monkeypatch) -> None:
    """Models, checkpoints, metrics, experiments, sessions and PNGs: one code path."""
    import nn.fileio
    from nn.experiment import save_experiment
    from nn.training import History
    from workbench.core.imageio import save_grayscale_png
    from workbench.core.session import Session, save_session

    calls = []
    real = nn.fileio.atomic_write

    def spy(path, write, what="file", create_folder=True):
        calls.append(what)
        return real(path, write, what, create_folder)

    for module in ("nn.fileio", "nn.serialization", "workbench.core.imageio"):
        monkeypatch.setattr(f"{module}.atomic_write", spy)
    nn.save_model(nn.presets.build("two_layer_net", hidden_size=3), tmp_path / "m.npz")
    History().write_csv(tmp_path / "m.csv")
    save_experiment(tmp_path / "e.json", "train", {}, {})
    save_session(Session({"layers": [], "input_shape": [2]}, {}), tmp_path / "s.nnwb")
    save_grayscale_png(tmp_path / "d.png", np.zeros((3, 3)))
    assert calls == ["model file", "metrics file", "experiment file", "session file", "image"]
