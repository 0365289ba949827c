"""A CJK font for Matplotlib, so Chinese titles and labels never show missing-glyph boxes.

Qt finds CJK fonts through the system (fontconfig) by itself; Matplotlib does not. Before the
first figure (:class:`~workbench.ui.plot_canvas.PlotCanvas` calls it), :func:`configure` looks
for an installed CJK family (Noto Sans CJK, Source Han Sans, WenQuanYi, Microsoft YaHei,
PingFang, …) and makes it a fallback behind DejaVu Sans: Latin letters, digits
and the minus sign keep DejaVu's shapes, and each glyph DejaVu lacks comes from the CJK font
(Matplotlib ≥ 3.6 falls back glyph by glyph across the *families* of ``font.family``, so the
family goes there as well as into ``font.sans-serif``). It is set whatever the language, because a
text keeps the font families it was created with: figures made while the interface is English
render Chinese correctly after a switch.

Without a CJK font a warning is logged once and Chinese shows as boxes; Debian/Ubuntu
``fonts-noto-cjk``, Fedora ``google-noto-sans-cjk-fonts`` (macOS and Windows have one built in).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)

#: Families tried in order: Simplified Chinese first, then pan-CJK fonts that cover it.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Sarasa Gothic SC", "SimHei", "Noto Sans CJK JP", "Source Han Sans",
    "Source Han Sans JP", "Noto Sans CJK TC", "Droid Sans Fallback", "AR PL UMing CN",
    "Arial Unicode MS",
)
#: File names that suggest a CJK font, for fonts installed after Matplotlib built its cache.
_FILE_HINTS = ("cjk", "sourcehan", "wqy", "wenquanyi", "droidsansfallback", "msyh", "yahei",
               "simhei", "simsun", "pingfang", "hiragino", "notosanssc", "uming", "ukai", "heiti",
               "sarasa")
PACKAGE_HINT = ("install a CJK font, e.g. Debian/Ubuntu 'fonts-noto-cjk' or Fedora "
                "'google-noto-sans-cjk-fonts'")

_state: dict[str, object] = {"family": None, "searched": False, "warned": False}


# Matplotlib is imported inside the functions: importing this module must not load it (the
# app opens its window before Matplotlib is needed).


def _installed() -> set[str]:
    from matplotlib import font_manager

    return {entry.name for entry in font_manager.fontManager.ttflist}


def _pick(names: set[str]) -> str | None:
    return next((family for family in CJK_FAMILIES if family in names), None)


def _scan_system_fonts() -> None:
    """Add CJK font files Matplotlib's cached font list does not know yet."""
    from matplotlib import font_manager

    known = {Path(entry.fname).name for entry in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        name = Path(path).name
        if name in known or not any(hint in name.lower() for hint in _FILE_HINTS):
            continue
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):  # unreadable or unsupported font file
            continue


def cjk_family() -> str | None:
    """The CJK family Matplotlib will use, or ``None`` when none is installed."""
    if _state["family"] is None and not _state["searched"]:
        family = _pick(_installed())
        if family is None:
            _scan_system_fonts()
            family = _pick(_installed())
        _state["family"], _state["searched"] = family, True
    return _state["family"]  # type: ignore[return-value]


def configure() -> str | None:
    """Make the CJK family (if any) Matplotlib's fallback font; idempotent and cheap.

    Returns the family used, or ``None`` (after logging one warning) when there is none.
    """
    from matplotlib import rcParams

    family = cjk_family()
    if family is None:
        if not _state["warned"]:
            _state["warned"] = True
            log.warning("No CJK font found for Matplotlib: Chinese plot labels will show as "
                        "boxes; %s.", PACKAGE_HINT)
        return None
    sans = [f for f in rcParams["font.sans-serif"] if f not in ("DejaVu Sans", family)]
    wanted_sans = ["DejaVu Sans", family, *sans]
    if list(rcParams["font.sans-serif"]) != wanted_sans:
        rcParams["font.sans-serif"] = wanted_sans
    families = list(rcParams["font.family"])
    if family not in families:
        rcParams["font.family"] = [*families, family]
    return family


def configure_if_loaded() -> None:
    """:func:`configure` if Matplotlib is already in use (after a language change), without
    loading it otherwise (the first figure configures it)."""
    if "matplotlib" in sys.modules:
        configure()
