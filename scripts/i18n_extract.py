"""Keep the translation catalogs in step with the code.

Every visible string of the workbench is an English literal passed to ``tr()`` (or marked with
``tr_noop()`` where it sits in a data table). This script finds them all with :mod:`ast` and
updates ``resources/i18n/<code>.json`` for every language but English: new strings are added
with an empty value (shown in English until translated), strings no longer in the code are
dropped, and the file is written sorted, as UTF-8.

Usage::

    python scripts/i18n_extract.py            # update every catalog
    python scripts/i18n_extract.py --check    # change nothing; exit 1 if a catalog is incomplete

``--check`` fails when a string is missing or untranslated, when a translation loses one of the
``{placeholders}`` of its English text, or when a ``tr()`` argument is not a plain literal (an
f-string or a variable cannot be looked up: use ``"…{name}…".format()`` after ``tr()``, or
``tr_noop()`` + ``tr_dynamic()`` for strings kept in data).
"""

from __future__ import annotations

import argparse
import ast
import json
import string
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "workbench"
CATALOG_DIR = ROOT / "resources" / "i18n"
#: Functions whose first argument must be a literal English string.
MARKERS = {"tr", "tr_noop"}


@dataclass
class Extraction:
    """Every source string with where it is used, and the calls that cannot be extracted."""

    strings: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, text: str, where: str) -> None:
        self.strings.setdefault(text, []).append(where)


def _marker_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name) and func.id in MARKERS:
        return func.id
    if isinstance(func, ast.Attribute) and func.attr in MARKERS and \
            isinstance(func.value, ast.Name) and func.value.id == "i18n":
        return func.attr
    return None


def extract_file(path: Path, result: Extraction, root: Path = ROOT) -> None:
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _marker_name(node.func)
        if name is None:
            continue
        where = f"{rel}:{node.lineno}"
        arg = node.args[0] if len(node.args) == 1 and not node.keywords else None
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            result.add(arg.value, where)
        elif isinstance(arg, ast.JoinedStr):
            result.errors.append(f"{where}: {name}() of an f-string; use "
                                 f"{name}(\"…{{name}}…\").format(name=…)")
        else:
            result.errors.append(f"{where}: {name}() needs one literal string, got "
                                 f"{ast.unparse(node)[:80]}; for a string held in data, mark it "
                                 "with tr_noop() and show it with tr_dynamic()")


def engine_strings(result: Extraction) -> None:
    """Texts the engine (which cannot import the workbench) provides for display."""
    sys.path.insert(0, str(ROOT))
    try:
        import nn.presets
    finally:
        sys.path.pop(0)
    for name, info in nn.presets.INFO.items():
        for text in (info.title, info.chapter, info.description):
            result.add(text, f"nn/presets.py:INFO[{name!r}]")


def extract(sources: Iterable[Path] | None = None) -> Extraction:
    result = Extraction()
    files = sorted(SOURCES.rglob("*.py")) if sources is None else list(sources)
    for path in files:
        extract_file(path, result)
    engine_strings(result)
    return result


def placeholders(text: str) -> set[str]:
    """The ``{fields}`` of a format string (empty if it is not one)."""
    try:
        return {f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None}
    except ValueError:
        return set()


def catalog_paths() -> list[Path]:
    sys.path.insert(0, str(ROOT))
    try:
        from workbench.core.i18n import LANGUAGES
    finally:
        sys.path.pop(0)
    return [CATALOG_DIR / f"{code}.json" for code in LANGUAGES if code != "en"]


def read_catalog(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def problems(strings: Iterable[str], catalog: dict[str, str]) -> dict[str, list[str]]:
    """Missing, untranslated, obsolete and placeholder-breaking entries of one catalog."""
    wanted = set(strings)
    out: dict[str, list[str]] = {"missing": sorted(wanted - catalog.keys()),
                                 "untranslated": sorted(k for k in wanted & catalog.keys()
                                                        if not catalog[k]),
                                 "obsolete": sorted(catalog.keys() - wanted),
                                 "placeholders": []}
    for key in sorted(wanted & catalog.keys()):
        value = catalog[key]
        if value and placeholders(key) != placeholders(value):
            out["placeholders"].append(key)
    return out


def updated(strings: Iterable[str], catalog: dict[str, str]) -> dict[str, str]:
    """The catalog with exactly ``strings`` as keys, translations kept, new ones empty."""
    return {key: catalog.get(key, "") for key in sorted(set(strings))}


def write_catalog(path: Path, catalog: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(catalog, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a catalog is incomplete")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="list every missing, untranslated and obsolete string")
    args = parser.parse_args(argv)
    result = extract()
    failed = bool(result.errors)
    for error in result.errors:
        print(f"error: {error}", file=sys.stderr)
    for path in catalog_paths():
        catalog = read_catalog(path)
        found = problems(result.strings, catalog)
        name = path.relative_to(ROOT).as_posix()
        for key in found["placeholders"]:
            print(f"error: {name}: the translation of {key!r} changes its {{placeholders}}",
                  file=sys.stderr)
        failed |= bool(found["placeholders"])
        if args.check:
            failed |= bool(found["missing"] or found["untranslated"])
        else:
            write_catalog(path, updated(result.strings, catalog))
        done = len(result.strings) - len(found["missing"]) - len(found["untranslated"])
        print(f"{name}: {len(result.strings)} strings, {done} translated, "
              f"{len(found['missing'])} {'missing' if args.check else 'added'}, "
              f"{len(found['untranslated'])} untranslated, "
              f"{len(found['obsolete'])} obsolete{'' if args.check else ' (dropped)'}")
        if args.verbose or args.check:
            for kind in ("missing", "untranslated", "obsolete"):
                for key in found[kind]:
                    where = ", ".join(result.strings.get(key, [])[:2])
                    print(f"  {kind}: {key!r}" + (f"  ({where})" if where else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
