"""What ``--data-dir`` means when ``--dataset`` does not say: the set found in that folder.

``--data-dir DIR`` alone used to train on the embedded digits, which ignore the folder. Now:

- no ``--dataset`` (so the default, digits): the folder's MNIST or Fashion-MNIST files choose
  the set (recognised by their test labels, see :mod:`nn.datasets.detect`); a folder with
  neither, with both, or with files of unknown content is an error that says which
  ``--dataset`` to add;
- ``--dataset digits`` or a toy set: a warning that ``--data-dir`` is ignored;
- ``--dataset mnist`` / ``fashion-mnist``: read as asked, with a warning if the files found are
  the other set.

Remarks go to stderr (stdout carries the results); nothing here imports Qt or Matplotlib.
"""

from __future__ import annotations

from pathlib import Path

from nn import datasets
from nn.experiment import DataConfig
from workbench.cli.common import CliError, note

__all__ = ["choose_dataset"]


def choose_dataset(data: DataConfig, dataset_given: bool) -> None:
    """Settle ``data.name`` from ``data.data_dir`` (see the module docstring), in place.

    Parameters
    ----------
    data : DataConfig
        The run's data settings, after the command-line options were applied.
    dataset_given : bool
        Whether ``--dataset`` was on the command line (or is fixed, e.g. by a checkpoint).

    Raises
    ------
    CliError
        ``--data-dir`` alone names a folder from which no single set can be chosen.
    """
    if data.data_dir is None:
        return
    folder = str(data.data_dir)
    if data.name in datasets.IDX_SETS:
        _warn_if_other_set(data.name, folder)
    elif dataset_given or data.name != "digits":
        note(f"warning: --data-dir {folder} ignored: {data.name} "
             f"{'ships with the app' if data.name == 'digits' else 'is generated'}; "
             f"--data-dir applies to {' and '.join(datasets.IDX_SETS)} only")
    else:
        data.name = _detected(folder)


def _detected(folder: str) -> str:
    matches, unknown = datasets.detect_idx_sets(folder)
    choose = " or ".join(f"--dataset {name}" for name in datasets.IDX_SETS)
    if len(matches) == 1:
        match = matches[0]
        where = "" if match.folder == Path(folder).expanduser() else f" (in {match.folder})"
        note(f"note: --data-dir {folder} holds {match.dataset.name}{where}, recognised by its "
             f"{match.evidence}: using it (--dataset chooses another set)")
        return match.dataset.name
    if matches:
        found = ", ".join(f"{m.dataset.name} in {m.folder}" for m in matches)
        raise CliError(f"--data-dir {folder} holds more than one data set ({found}): add "
                       f"{choose}")
    if unknown:
        raise CliError(f"--data-dir {folder}: {unknown[0]} holds MNIST-layout IDX files, but "
                       f"their test labels are neither MNIST's nor Fashion-MNIST's: add {choose} "
                       "to read them as one of those")
    names = ", ".join(f.name + "[.gz]" for f in datasets.MNIST.files)
    subdirs = ", ".join(f"{s.subdir}/" for s in datasets.IDX_SETS.values())
    where = "does not exist" if not Path(folder).expanduser().is_dir() else (
        f"holds no MNIST or Fashion-MNIST files ({names}; looked in it and in {subdirs})")
    raise CliError(f"--data-dir {folder} {where}: add --dataset mnist (with --download to "
                   "fetch it there), or leave out --data-dir to use the embedded digits")


def _warn_if_other_set(name: str, folder: str) -> None:
    found = datasets.find_dataset_dir(name, folder)
    known = datasets.identify_idx_folder(found) if found is not None else None
    if known is not None and known.name != name:
        note(f"warning: {found} holds {known.name} (recognised by its test labels), not "
             f"{name}; reading it as {name}, as --dataset says")
