"""Shared pieces of the command line: errors and exit codes, value parsers, output formatting,
Ctrl-C handling and data loading with a download progress line.

Nothing here imports Qt or Matplotlib.
"""

from __future__ import annotations

import contextlib
import math
import os
import shlex
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from nn.datasets import IDX_SETS
from nn.errors import DatasetError, DownloadError, FileWriteError
from nn.experiment import DataConfig, PreparedData, prepare_data
from nn.fileio import check_writable

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_DIVERGED = 3
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """A problem to report as one ``error: ...`` line and a non-zero exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class UsageError(CliError):
    """Bad arguments: exit code 2 and a hint pointing to ``--help``."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message, EXIT_USAGE)
        self.hint = hint


def one_line(message: object) -> str:
    """``message`` on one line: its lines joined, surrounding blanks stripped."""
    parts = [part.strip() for part in str(message).splitlines()]
    return " ".join(part for part in parts if part)


def prog_name() -> str:
    """How the user started us: ``python main.py`` or the ``nn-workbench`` script."""
    return "python main.py" if Path(sys.argv[0]).name == "main.py" else "nn-workbench"


def command_line(args: Sequence[str]) -> str:
    """The command as typed (quoted for a POSIX shell), recorded in saved files."""
    return f"{prog_name()} {shlex.join(list(args))}".strip()


# ------------------------------------------------------------------------------ value parsers
def parse_value(text: str) -> Any:
    """``"true"`` → True, ``"3"`` → 3, ``"0.5"`` → 0.5, ``"100,100"`` → [100, 100], else str."""
    text = text.strip()
    if "," in text:
        return [parse_value(part) for part in text.split(",") if part.strip()]
    lowered = text.lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    if lowered in ("none", "null"):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_key_values(items: Sequence[str], what: str = "option") -> dict[str, Any]:
    """``["a=1", "b=x,y"]`` → ``{"a": 1, "b": ["x", "y"]}``; keys ending in ``sizes`` are
    always lists (``hidden_sizes=100`` means one hidden layer)."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key:
            raise UsageError(f"invalid {what} {item!r}: expected KEY=VALUE")
        parsed = parse_value(value)
        if key.endswith("sizes") and not isinstance(parsed, list):
            parsed = [parsed]
        out[key] = parsed
    return out


def parse_range(text: str, name: str) -> tuple[float, float]:
    """``"1e-6:1e-2"`` → ``(1e-06, 0.01)``."""
    low, sep, high = text.partition(":")
    try:
        if not sep:
            raise ValueError
        return float(low), float(high)
    except ValueError:
        raise UsageError(f"invalid {name} {text!r}: expected LOW:HIGH, e.g. 1e-6:1e-2") from None


def parse_int_list(text: str, name: str) -> list[int]:
    """``"0,1,2"`` → ``[0, 1, 2]``."""
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise UsageError(f"invalid {name} {text!r}: expected integers separated by "
                         "commas") from None
    if not values:
        raise UsageError(f"invalid {name} {text!r}: give at least one value")
    return values


#: ``--augment`` keys: name → (Augmenter setting, switch, how to read the value).
_AUGMENT_KEYS: dict[str, tuple[str, str, Callable[[str], Any]]] = {
    "shift": ("max_shift", "shift", float),
    "rotation": ("max_rotation", "rotation", float),
    "scale": ("scale_range", "scale", lambda v: [float(x) for x in v.split(":")]),
    "noise": ("noise_std", "noise", float),
    "thickness": ("thickness_prob", "thickness", float),
    "shear": ("max_shear", "shear", float),
    "elastic": ("elastic_prob", "elastic", float),
    "restroke": ("restroke_prob", "restroke", float),
}
#: What a bare ``--augment`` turns on (nn.datasets.Augmenter's defaults).
DEFAULT_AUGMENT: dict[str, Any] = {
    "max_shift": 2.0, "max_rotation": 10.0, "scale_range": [0.9, 1.1],
    "shift": True, "rotation": True, "scale": True, "noise": False, "thickness": False,
}


def parse_augment(spec: str) -> dict[str, Any] | None:
    """An :class:`nn.datasets.Augmenter` config from ``--augment``'s value.

    ``"default"`` → shift ±2 px, rotation ±10°, scale 0.9–1.1; ``"none"`` → None; ``"draw"`` →
    :data:`nn.datasets.DRAW_AUGMENT` (the recipe for the Draw page's model);
    ``"shift=2,rotation=10,scale=0.9:1.1,noise=0.05,thickness=0.3"`` → exactly those (the
    others off).
    """
    spec = spec.strip().lower()
    if spec in ("", "default", "on", "true"):
        return dict(DEFAULT_AUGMENT)
    if spec in ("none", "off", "false"):
        return None
    if spec == "draw":
        from nn.datasets import DRAW_AUGMENT

        return dict(DRAW_AUGMENT)
    config: dict[str, Any] = {switch: False for _, switch, _ in _AUGMENT_KEYS.values()}
    for item in spec.split(","):
        key, sep, value = item.partition("=")
        key = key.strip()
        if key not in _AUGMENT_KEYS:
            raise UsageError(f"invalid --augment item {item!r}: known keys are "
                             f"{', '.join(_AUGMENT_KEYS)} (e.g. shift=2,rotation=10)")
        setting, switch, read = _AUGMENT_KEYS[key]
        config[switch] = True
        if sep:
            try:
                config[setting] = read(value)
            except ValueError:
                raise UsageError(f"invalid --augment value {item!r}") from None
            if key == "scale" and len(config[setting]) != 2:
                raise UsageError(f"invalid --augment value {item!r}: expected scale=LOW:HIGH")
    return config


# --------------------------------------------------------------------------------- formatting
def pct(value: float, digits: int = 2) -> str:
    """``0.9612`` → ``"96.12 %"``; NaN → ``"—"``."""
    return "—" if value is None or math.isnan(value) else f"{100 * value:.{digits}f} %"


def plural(count: int, word: str) -> str:
    """``plural(1, "epoch")`` → ``"1 epoch"``, ``plural(3, "epoch")`` → ``"3 epochs"``."""
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def seconds(value: float) -> str:
    """``5.63`` → ``"5.6 s"``, ``75`` → ``"1:15"`` (minutes)."""
    if value < 60:
        return f"{value:.1f} s"
    from workbench.cli.progress import format_duration

    return format_duration(value)


def num(value: float, fmt: str = ".4f") -> str:
    return "—" if value is None or math.isnan(value) else format(value, fmt)


def finite_or_none(value: float) -> float | None:
    """A JSON-friendly float: NaN and infinities become None."""
    value = float(value)
    return value if math.isfinite(value) else None


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]],
                 right: Sequence[bool] | None = None) -> str:
    """A plain-text table with a rule under the header (columns right-aligned where asked)."""
    right = list(right) if right is not None else [False] * len(header)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(str(c).rjust(w) if r else str(c).ljust(w)
                         for c, w, r in zip(cells, widths, right, strict=True)).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths),
                      *(line(r) for r in rows)])


def out(text: str = "", stream: TextIO | None = None) -> None:
    """Print a result line on stdout (flushed, so it interleaves with the progress bar)."""
    stream = stream or sys.stdout
    print(text, file=stream, flush=True)


def note(text: str) -> None:
    """Print a remark on stderr."""
    print(text, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------- Ctrl-C
class Interrupts:
    """What Ctrl-C does inside :func:`interrupts_call`: first a cooperative stop, and once the
    results are being saved, nothing but a note — the requested files are written first."""

    def __init__(self, stop: Callable[[], None]) -> None:
        self.stop = stop
        self.message = "\nstopping (press Ctrl-C again to abort at once)…"
        self._event = threading.Event()

    def is_set(self) -> bool:
        """Whether Ctrl-C was pressed."""
        return self._event.is_set()

    def saving(self) -> None:
        """From now on the first Ctrl-C only says that the requested files are being saved."""
        self.stop = _nothing
        self.message = "\nsaving the requested files first (press Ctrl-C again to abort)…"

    def press(self) -> None:
        if self._event.is_set():
            raise KeyboardInterrupt
        self._event.set()
        note(self.message)
        self.stop()


def _nothing() -> None:
    return None


@contextlib.contextmanager
def interrupts_call(stop: Callable[[], None]) -> Iterator[Interrupts]:
    """While active, the first Ctrl-C calls ``stop()`` (a cooperative stop) instead of raising;
    a second one raises :class:`KeyboardInterrupt` as usual. Yields the :class:`Interrupts`
    (``is_set()`` after a Ctrl-C; ``saving()`` once the results are being written)."""
    interrupts = Interrupts(stop)
    if threading.current_thread() is not threading.main_thread():
        yield interrupts
        return

    def handler(signum: int, frame: Any) -> None:
        interrupts.press()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield interrupts
    finally:
        signal.signal(signal.SIGINT, previous)


# ------------------------------------------------------------------------------------ outputs
def check_outputs(args: Any, options: Sequence[tuple[str, str]]) -> None:
    """Check, before any training, that every output the command was asked for can be written:
    ``options`` lists ``(attribute, what)`` pairs, e.g. ``("out", "model file")``.

    Raises :class:`CliError` naming the option and the user's path (an empty name, a folder in
    the way, a parent that is a file, no permission), or :class:`UsageError` if two options
    name the same file.
    """
    seen: dict[str, str] = {}
    for attr, what in options:
        value = getattr(args, attr, None)
        if value is None:
            continue
        flag = "--" + attr.replace("_", "-")
        try:
            path = check_writable(value, what)
        except FileWriteError as exc:
            raise CliError(f"{flag}: {exc}") from None
        key = os.path.abspath(path)
        if key in seen:
            raise UsageError(f"{seen[key]} and {flag} name the same file {value}")
        seen[key] = flag


@contextlib.contextmanager
def numeric_warnings_once() -> Iterator[None]:
    """NumPy's RuntimeWarnings (overflow, invalid value) become one line of our own, once."""
    shown: list[str] = []
    original = warnings.showwarning

    def show(message: Any, category: type[Warning], filename: str, lineno: int,
             file: Any = None, line: str | None = None) -> None:
        if not issubclass(category, RuntimeWarning):
            original(message, category, filename, lineno, file, line)
        elif not shown:
            shown.append(str(message))
            note(f"warning: the numbers overflowed or became invalid during the computation "
                 f"({message}); results may be infinite or NaN")

    with warnings.catch_warnings():
        warnings.simplefilter("always", RuntimeWarning)
        warnings.showwarning = show
        yield


# -------------------------------------------------------------------------------------- data
def load_data(config: DataConfig, quiet: bool = False) -> PreparedData:
    """:func:`nn.experiment.prepare_data` with a byte-progress line while downloading."""
    from workbench.cli.progress import ProgressBar

    bar = ProgressBar(enabled=not quiet)

    def progress(done: int, total: int | None) -> None:
        if total:
            bar.update(done / total, f"downloading {config.name}: {done / 1e6:.1f} / "
                                     f"{total / 1e6:.1f} MB")
        else:
            bar.update(None, f"downloading {config.name}: {done / 1e6:.1f} MB")

    try:
        return prepare_data(config, progress=progress if config.download else None)
    except DatasetError as exc:
        if config.download or config.name not in IDX_SETS or isinstance(exc, DownloadError):
            raise
        raise CliError(f"{one_line(exc)} From the command line: --data-dir DIR or "
                       "--download.") from None
    finally:
        bar.close()
