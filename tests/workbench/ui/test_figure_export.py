"""File → Export figure writes through the one atomic writer: the format follows the name, a
name it cannot write leaves the old file, and no temporary file is left behind."""

from __future__ import annotations

import pytest

from workbench.ui.plot_canvas import PlotCanvas


def test_a_plot_canvas_exports_png_and_svg_atomically(qtbot, tmp_path):
    canvas = PlotCanvas(toolbar=False)
    qtbot.addWidget(canvas)
    canvas.figure.add_subplot().plot([0, 1, 2], [2, 0, 1])
    for name, magic in (("plot.png", b"\x89PNG"), ("plot.svg", b"<?xml")):
        canvas.export(str(tmp_path / name))
        assert (tmp_path / name).read_bytes().startswith(magic)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plot.png", "plot.svg"]
    (tmp_path / "plot.xyz").write_bytes(b"old")
    with pytest.raises(ValueError, match=r"\.xyz"):
        canvas.export(str(tmp_path / "plot.xyz"))
    assert (tmp_path / "plot.xyz").read_bytes() == b"old"
