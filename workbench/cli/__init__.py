"""The headless command line: ``python main.py COMMAND [options]``.

=========  ==================================================================================
train      train a network (preset or configuration file) and report its test accuracy
eval       test accuracy, loss and per-class accuracy of a saved model
predict    class probabilities for image files
compare    variants trained side by side (optimizers, initializers…), table + loss-curve PNG
search     random search over learning rate and weight decay (book ch. 6.5)
info       presets, data sets, optimizers, initializers, schedules
export     a model as ONNX, a standalone NumPy script or PyTorch code
=========  ==================================================================================

``diagnose`` prints the training assistant's findings for a model or a recorded run, and
``robustness`` a model's test accuracy under noise, rotation, shift, scale and stroke thickness
(issue 22).

Every failure is one ``error: ...`` line on stderr and a non-zero exit code (2 for usage
errors, 1 otherwise; ``train`` uses 3 for divergence and 130 for Ctrl-C) — never a traceback
(set ``NN_WORKBENCH_DEBUG=1`` to see one for an unexpected error). Never imports Qt;
Matplotlib only in the commands that write PNGs.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys

from workbench.cli.common import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    CliError,
    UsageError,
    numeric_warnings_once,
    one_line,
    prog_name,
)

__all__ = ["run_cli"]

#: Command name → module in this package holding its ``run(args, argv) -> int``.
_COMMANDS = {"train": "train", "eval": "evaluate", "predict": "predict", "compare": "compare",
             "search": "search", "info": "info",
             "export": "export",
             "diagnose": "diagnose", "robustness": "robustness"}  # issue 22


def _error(message: object, hint: str = "") -> None:
    print(f"error: {one_line(message)}", file=sys.stderr, flush=True)
    if hint:
        print(f"hint: {hint}", file=sys.stderr, flush=True)


def _tolerant_streams() -> None:
    """Never fail on a character the console cannot show (e.g. ± on a legacy code page)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def run_cli(args: list[str]) -> int:
    """Parse ``args`` (without the program name), run the command, return the exit code."""
    from nn.errors import NNError
    from workbench.cli.parser import build_parser

    _tolerant_streams()
    argv = list(args)
    try:
        parsed = build_parser().parse_args(argv)
        module = importlib.import_module(f"workbench.cli.{_COMMANDS[parsed.command]}")
        with numeric_warnings_once():
            return int(module.run(parsed, argv))
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except UsageError as exc:
        hint = exc.hint
        if argv and argv[0] in _COMMANDS and f" {argv[0]} " not in hint:
            hint = f"see '{prog_name()} {argv[0]} --help'"  # e.g. an unknown option
        _error(exc, hint)
        return exc.exit_code
    except CliError as exc:
        _error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `... | head`
        return EXIT_ERROR
    except MemoryError:
        if os.environ.get("NN_WORKBENCH_DEBUG"):
            raise
        _error(f"not enough memory for '{' '.join(argv[:1])}' with these settings; try a "
               "smaller model, data set or batch size")
        return EXIT_ERROR
    except (NNError, ValueError, OSError) as exc:
        if os.environ.get("NN_WORKBENCH_DEBUG"):
            raise
        _error(exc if str(exc) else type(exc).__name__)
        return EXIT_ERROR
    except Exception as exc:  # a bug: still one line, unless debugging
        if os.environ.get("NN_WORKBENCH_DEBUG"):
            raise
        _error(f"unexpected {type(exc).__name__}: {exc}",
               "set NN_WORKBENCH_DEBUG=1 to see the traceback, and please report it")
        return EXIT_ERROR
