"""The Compare page's results as part of a session (saved with it, shown again at open).

Each tab with results contributes the document it would write to a comparison file
(``{"kind", "config", "results"}``, :meth:`ComparisonTab.to_document`). Opening a session checks
every document first — the results rebuilt into a scratch state, the settings turned into a job
— and only then shows them, so a damaged entry changes no tab; tabs the session has no results
for are cleared, as after New session.
"""

from __future__ import annotations

import copy
from typing import Any

from workbench.core.i18n import tr
from workbench.state.compare import specs
from workbench.state.compare.documents import read_results


def session_documents(page: Any) -> dict[str, dict[str, Any]]:
    """``{tab key: document}`` for every tab that has results and is not running."""
    out = {}
    for key, tab in page.comparison_tabs.items():
        if tab.has_results and not tab.running:
            kind, config, results = tab.to_document()
            out[key] = {"kind": kind, "config": config, "results": results}
    return out


def results_marks(page: Any) -> tuple[Any, ...]:
    """A fingerprint of the results on screen: changes whenever any tab's results do."""
    return tuple((key, id(tab.state), tab.state.version)
                 for key, tab in page.comparison_tabs.items() if tab.has_results)


def check_documents(page: Any, documents: dict[str, dict[str, Any]]) -> None:
    """Raise ``ValueError`` naming the first entry the page could not show; changes nothing."""
    for key, doc in documents.items():
        tab = page.comparison_tabs.get(key)
        if tab is None:
            raise ValueError(tr("comparisons.{key}: there is no such Compare tab").format(
                key=key))
        where = f"comparisons.{key}"
        if doc.get("kind") != tab.kind:
            raise ValueError(tr("{where}: a '{kind}' document, the tab shows '{expected}'")
                             .format(where=where, kind=doc.get("kind"), expected=tab.kind))
        config = doc["config"]
        try:
            read_results(tab.kind, config, doc["results"])
            saved = (config.get("workbench") or {}).get("settings")
            settings = {**specs.book_settings(key),
                        **(saved if isinstance(saved, dict) else tab.settings_from_config(config))}
            tab.make_job(copy.deepcopy(settings))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ValueError(f"{where}: {exc}") from None


def apply_documents(page: Any, documents: dict[str, dict[str, Any]]) -> None:
    """Show the session's results (checked with :func:`check_documents` first); clear the
    other tabs. Should a tab still refuse its document, the tabs already changed get their
    previous results back and the ``ValueError`` is raised."""
    done: list[tuple[Any, dict[str, Any] | None]] = []
    try:
        for key, tab in page.comparison_tabs.items():
            previous = None
            if tab.has_results and not tab.running:
                kind, config, results = tab.to_document()
                previous = {"kind": kind, "config": config, "results": results}
            if key in documents:
                tab.load_document(copy.deepcopy(documents[key]))
            else:
                tab.clear_results()
            done.append((tab, previous))
    except ValueError:
        for tab, previous in done:
            if previous is None:
                tab.clear_results()
            else:
                tab.load_document(previous)
        raise


__all__ = ["apply_documents", "check_documents", "results_marks", "session_documents"]
