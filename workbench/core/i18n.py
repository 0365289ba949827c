"""Interface language: English source strings, translated through one catalog per language.

Every visible string goes through :func:`tr`. Widgets set their texts in a ``retranslate()``
method, call it once when built, and connect it to :data:`language_changed`, so switching the
language at runtime re-labels the whole window. Catalogs live in ``resources/i18n/<code>.json``
(``{"English text": "翻译"}``); a missing entry falls back to English.

``python scripts/i18n_extract.py`` collects every literal passed to :func:`tr` or :func:`tr_noop`
into the catalogs (``--check`` fails when one is missing or untranslated). A string kept in data
(a table, a layer catalog) is marked where it is written with :func:`tr_noop` and translated where
it is shown with :func:`tr_dynamic`; :func:`tr` itself takes only literals, so the extractor can
see every one.
"""

from __future__ import annotations

import json

from workbench.core.observable import Signal
from workbench.core.resources_locator import resource_path

LANGUAGES = {"en": "English", "zh_CN": "简体中文"}

language_changed = Signal()
_state = {"code": "en", "catalog": {}}


def tr(text: str) -> str:
    """``text`` in the current language (English when no translation exists)."""
    return _state["catalog"].get(text, text)


def tr_noop(text: str) -> str:
    """Mark ``text`` for the catalog without translating it yet (Qt's ``QT_TR_NOOP``)."""
    return text


def tr_dynamic(text: str) -> str:
    """Translate a string held in a variable: one marked with :func:`tr_noop` where it was
    written, or an engine string the extractor lists (``nn.presets.INFO``)."""
    return _state["catalog"].get(text, text)


def plural(n: int, one: str, many: str) -> str:
    """``one`` when ``n`` is 1, else ``many`` — both already translated with :func:`tr`, so
    the catalog holds both literals: ``plural(n, tr("1 image"), tr("{n:,} images"))``.
    (Chinese has one form; its catalog gives both texts the same translation.)"""
    return one if n == 1 else many


def current_language() -> str:
    return _state["code"]


def load_catalog(code: str) -> dict[str, str]:
    """The translations for ``code`` (empty for English or a missing file)."""
    if code == "en":
        return {}
    try:
        path = resource_path("i18n", f"{code}.json")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str) and v}


def set_language(code: str) -> None:
    """Switch language and notify every listener (unknown codes fall back to English)."""
    code = code if code in LANGUAGES else "en"
    if code == _state["code"] and (code == "en" or _state["catalog"]):
        return
    _state["code"], _state["catalog"] = code, load_catalog(code)
    language_changed.emit()


def system_language(locale_name: str) -> str:
    """Map a locale name such as ``zh_CN`` or ``zh_Hans_CN`` to a supported language code."""
    return "zh_CN" if locale_name.lower().startswith("zh") else "en"
