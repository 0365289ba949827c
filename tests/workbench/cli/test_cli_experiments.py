"""``compare`` and ``search`` through ``main.py``: tables on stdout, PNG and data files."""

from __future__ import annotations

import csv

from nn.experiment import load_experiment
from tests.workbench.cli.test_cli import run_main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _table(stdout: str, header: str) -> list[list[str]]:
    """Rows of the table whose header line starts with ``header`` (split on 2+ spaces)."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2:]:
        if not line.strip() or line.startswith(("(", "best:", "plot", "table", "rank")):
            break
        rows.append([cell.strip() for cell in line.split("  ") if cell.strip()])
    return rows


def test_compare_optimizers_over_seeds_prints_table_and_writes_files(tmp_path):
    png, table, exp = tmp_path / "c.png", tmp_path / "c.csv", tmp_path / "c.json"
    proc = run_main("compare", "--optimizers", "sgd,adam", "--seeds", "0,1",
                    "--max-iterations", "40", "--train-size", "1000", "--png", png,
                    "--csv", table, "--experiment", exp)
    assert proc.returncode == 0, proc.stderr
    rows = _table(proc.stdout, "variant")
    assert [r[0] for r in rows] == ["sgd", "adam"]
    assert all("±" in r[2] and r[-1] == "0/2" for r in rows)  # loss ± std over two seeds
    assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 20_000
    with open(table, newline="") as f:
        records = list(csv.DictReader(f))
    assert [r["label"] for r in records] == ["sgd", "adam"]
    assert float(records[1]["final_loss"]) < float(records[0]["final_loss"])  # Adam is faster
    doc = load_experiment(exp)
    assert doc["kind"] == "compare" and doc["config"]["seeds"] == [0, 1]
    assert len(doc["results"]["histories"][0][1]["losses"]) == 40


def test_compare_initializers_on_a_toy_set(tmp_path):
    proc = run_main("compare", "--inits", "std0.01,he", "--dataset", "circles",
                    "--max-iterations", "60", "--png", tmp_path / "inits.png", "-q")
    assert proc.returncode == 0, proc.stderr
    assert [r[0] for r in _table(proc.stdout, "variant")] == ["std0.01", "he"]
    assert (tmp_path / "inits.png").is_file()


def test_search_prints_a_ranking_and_writes_a_png(tmp_path):
    png, table = tmp_path / "s.png", tmp_path / "s.csv"
    proc = run_main("search", "--trials", "3", "--epochs", "2", "--lr-range", "1e-3:1e-1",
                    "--png", png, "--csv", table, "--experiment", tmp_path / "s.json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("trial ") >= 3
    rows = _table(proc.stdout, "rank")
    assert [r[0] for r in rows] == ["1", "2", "3"]
    accuracies = [float(r[2].rstrip(" %")) for r in rows]
    assert accuracies == sorted(accuracies, reverse=True)
    assert "best: val acc" in proc.stdout
    assert png.read_bytes()[:8] == PNG_MAGIC
    assert len(table.read_text().splitlines()) == 4
    assert load_experiment(tmp_path / "s.json")["kind"] == "search"
