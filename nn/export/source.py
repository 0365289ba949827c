"""Copying Python source into generated scripts: named top-level definitions, or a whole module.

The standalone script is assembled from real, tested code (:mod:`nn.export.standalone`,
:mod:`nn.preprocess`) rather than from string templates, so what it runs is what the tests
check. The source is read as text and parsed with :mod:`ast`, never executed here.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from nn.export.ops import ExportError

#: Top-level modules a copied module may import: the generated script has only these.
ALLOWED_IMPORTS = frozenset({"numpy", "PIL", "__future__"}) | frozenset(sys.stdlib_module_names)


def _tree(module: ModuleType) -> tuple[list[str], ast.Module]:
    path = Path(module.__file__)
    text = path.read_text(encoding="utf-8")
    return text.splitlines(), ast.parse(text, filename=str(path))


def _names(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def definitions(module: ModuleType, names: Iterable[str]) -> str:
    """The source of the top-level definitions ``names`` of ``module``, in the module's order,
    separated by two blank lines."""
    lines, tree = _tree(module)
    wanted = set(names)
    found: dict[str, str] = {}
    for node in tree.body:
        for name in _names(node):
            if name in wanted:
                start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
                found[name] = "\n".join(lines[start - 1 : node.end_lineno])
    missing = wanted - set(found)
    if missing:
        raise ExportError(f"{module.__name__} defines no {', '.join(sorted(missing))}")
    return "\n\n\n".join(found.values())


def module_body(module: ModuleType) -> tuple[list[str], str]:
    """A module's imports (one statement each) and the rest of its source.

    The docstring, ``__all__`` and the imports are taken out of the body; comments and blank
    lines stay. Raises :class:`ExportError` if the module imports anything outside NumPy,
    Pillow and the standard library, which the generated script would not have.
    """
    lines, tree = _tree(module)
    imports: list[str] = []
    skip: set[int] = set()
    for index, node in enumerate(tree.body):
        is_doc = index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            roots = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""])
            outside = [r for r in roots if r.split(".")[0] not in ALLOWED_IMPORTS or not r]
            if outside:
                raise ExportError(f"{module.__name__} imports {', '.join(outside)}, which a "
                                  "standalone script cannot copy")
            if not (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
                imports.append(ast.unparse(node))
        elif not (is_doc or "__all__" in _names(node)):
            continue
        skip.update(range(node.lineno, node.end_lineno + 1))
    body = "\n".join(line for number, line in enumerate(lines, start=1) if number not in skip)
    return imports, re.sub(r"\n{4,}", "\n\n\n", body).strip("\n")


__all__ = ["ALLOWED_IMPORTS", "definitions", "module_body"]
