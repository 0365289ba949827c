"""Numbers as the Fundamentals demos read and show them: number lists parsed with readable
(translated) errors, compact formatting. Qt-free."""

from __future__ import annotations

import math
import re

import numpy as np
from numpy.typing import NDArray

from workbench.core.i18n import tr

_SPLIT = re.compile(r"[\s,;]+")


def parse_vector(text: str, minimum: int = 1, maximum: int = 20) -> NDArray:
    """Numbers typed as ``0.3, 2.9, 4.0`` (commas, spaces or semicolons; brackets allowed).

    Raises
    ------
    ValueError
        With a translated message naming the problem (a word that is not a number, a value
        that is not finite, too few or too many numbers).
    """
    cleaned = text.strip().strip("[]()").strip()
    tokens = [t for t in _SPLIT.split(cleaned) if t]
    if len(tokens) < minimum:
        raise ValueError(tr("Enter at least {n} numbers, separated by commas.").format(n=minimum)
                         if minimum > 1 else tr("Enter at least one number."))
    if len(tokens) > maximum:
        raise ValueError(tr("Enter at most {n} numbers (you entered {count}).").format(
            n=maximum, count=len(tokens)))
    values = []
    for token in tokens:
        try:
            value = float(token)
        except ValueError:
            raise ValueError(tr("“{token}” is not a number.").format(token=token)) from None
        if not math.isfinite(value):
            raise ValueError(tr("“{token}” is not a finite number.").format(token=token))
        values.append(value)
    return np.array(values, dtype=float)


def format_vector(values: NDArray, digits: int = 4) -> str:
    return ", ".join(format_value(v, digits) for v in np.asarray(values, dtype=float))


def format_value(value: float, digits: int = 4) -> str:
    """``0.2``, ``715``, ``1.5e-09``, ``nan``, ``inf``: short and exact enough to read."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    text = f"{value:.{digits}g}"
    return re.sub(r"e([+-])0*(\d)", lambda m: f"e{'-' if m.group(1) == '-' else ''}{m.group(2)}",
                  text)
