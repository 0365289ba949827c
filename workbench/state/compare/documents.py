"""What a comparison tab writes to and reads from an experiment file, and its status line.

Files follow :func:`nn.experiment.save_experiment` and the command line's ``--experiment``
layout (``config.base``, ``config.seeds``, ``config.variants`` / ``config.space``; results as
:meth:`nn.compare.Comparison.results` or the search's trials), plus ``config.workbench`` with
the tab's settings, so reopening restores the controls as well as the curves.
"""

from __future__ import annotations

import copy
from typing import Any

from workbench.core.compare_jobs import ComparisonJob, SearchJob
from workbench.core.i18n import plural, tr
from workbench.state.compare.views import ComparisonState, SearchState


def clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``)."""
    seconds = int(round(max(seconds, 0)))
    hours, rest = divmod(seconds, 3600)
    return (f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours
            else f"{rest // 60}:{rest % 60:02d}")


def status_line(state: ComparisonState | SearchState, progress: str) -> str:
    """The tab's status: what is happening, ``progress`` ("iteration k of n…"), time left."""
    if state.status == "idle":
        return tr("Press Run to start — or Book setting first to reproduce the book's figure.")
    if state.status == "preparing":
        return tr("Loading the data and building the networks…")
    if state.status == "failed":
        return tr("Failed: see the message on the left.")
    parts = [progress]
    if state.status == "running":
        eta = state.eta_seconds()
        if eta is not None:
            parts.append(tr("about {t} left").format(t=clock(eta)))
    elif state.status == "finished":
        parts.insert(0, tr("Finished in {t}").format(t=clock(state.elapsed)) if state.elapsed
                     else tr("Finished"))
    elif state.status == "stopped":
        parts.insert(0, tr("Stopped"))
    return " · ".join(p for p in parts if p)


def comparison_progress(state: ComparisonState, epoch_based: bool) -> str:
    """"epoch e of E · iteration k of n · N runs" (epochs only for epoch-based budgets)."""
    if not state.steps_per_run:
        return ""
    runs = len(state.variants) * len(state.seeds)
    text = tr("iteration {k:,} of {n:,}").format(k=state.iteration, n=state.steps_per_run)
    if epoch_based and state.steps_per_epoch:
        epochs = -(-state.steps_per_run // state.steps_per_epoch)
        text = tr("epoch {e:,} of {n:,}").format(e=state.epoch, n=epochs) + " · " + text
    return text + " · " + plural(runs, tr("1 run"), tr("{n} runs")).format(n=runs)


def job_config(key: str, settings: dict[str, Any], job: ComparisonJob | SearchJob
               ) -> dict[str, Any]:
    """The experiment file's ``config`` for ``job`` run with the tab ``key``'s ``settings``."""
    workbench = {"tab": key, "settings": copy.deepcopy(settings)}
    if isinstance(job, SearchJob):
        return {"base": job.base.to_dict(), "space": {k: list(v) for k, v in job.space.items()},
                "trials": job.trials, "seed": job.seed, "workbench": workbench}
    return {"base": job.base.to_dict(), "seeds": list(job.seeds),
            "variants": [{"label": v.label, "overrides": v.overrides} for v in job.variants],
            "workbench": workbench}


def read_results(kind: str, config: dict[str, Any], results: Any
                 ) -> ComparisonState | SearchState:
    """A fresh state showing saved ``results`` (raises ``ValueError`` naming the problem)."""
    if not isinstance(results, dict):
        raise ValueError(tr("The file has no comparison results."))
    try:
        if kind == "search":
            state: ComparisonState | SearchState = SearchState()
            state.load_results(results, int(config.get("trials", 0)))
        else:
            state = ComparisonState()
            state.load_results(results)
    except (TypeError, KeyError) as exc:
        raise ValueError(str(exc)) from None
    return state


__all__ = ["clock", "comparison_progress", "job_config", "read_results", "status_line"]
