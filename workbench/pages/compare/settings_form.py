"""A titled group of labelled settings fields, each stored under a key of the tab's settings:
the "Network" and "Training" groups the comparison tabs have in common, built in one place."""

from __future__ import annotations

from typing import Any, TypeVar

from PySide6.QtWidgets import QComboBox, QGroupBox, QLabel, QSpinBox, QWidget

from workbench.core.i18n import tr
from workbench.pages.compare.controls import DataChoice, NetworkFields, SeedsRow
from workbench.ui.fields import NumberBox, make_form

W = TypeVar("W", bound=QWidget)


def field_labels() -> dict[str, str]:
    """The row label of each common settings key, translated."""
    return {"data": tr("Data"), "train_size": tr("Training images"),
            "lr": tr("Learning rate"), "optimizer": tr("Optimizer"),
            "batch_size": tr("Batch size"), "epochs": tr("Epochs"),
            "iterations": tr("Iterations"), "seeds": tr("Seeds"),
            "layers": tr("Hidden layers"), "units": tr("Units per layer")}


class SettingsForm(QGroupBox):
    """Rows of ``label: field``. :meth:`values` reads every field into a settings dict (the
    seeds row adds ``seeds`` and ``first_seed``), :meth:`set_values` writes them back."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = make_form()
        self.setLayout(self.form)
        self.fields: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self._optional: set[str] = set()

    def add(self, key: str, widget: W, *, optional: bool = False, labelled: bool = True) -> W:
        """Append a row (without a label it spans the form); ``optional`` keys may be missing
        from settings being applied (files written before the field existed keep its value)."""
        self.fields[key] = widget
        if optional:
            self._optional.add(key)
        if labelled:
            self.labels[key] = QLabel(self)
            self.form.addRow(self.labels[key], widget)
        else:
            self.form.addRow(widget)
        return widget

    def retranslate(self, title: str, labels: dict[str, str] | None = None) -> None:
        """Set the title and the row labels (common keys are labelled by default)."""
        self.setTitle(title)
        texts = {**field_labels(), **(labels or {})}
        for key, label in self.labels.items():
            label.setText(texts[key])

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, widget in self.fields.items():
            if isinstance(widget, SeedsRow):
                values.update(widget.values())
            elif isinstance(widget, DataChoice):
                values[key] = widget.name()
            elif isinstance(widget, NetworkFields):
                values[key] = widget.values()
            elif isinstance(widget, QComboBox):
                values[key] = widget.currentData()
            elif isinstance(widget, QSpinBox):
                values[key] = widget.value()
            elif isinstance(widget, NumberBox):
                values[key] = float(widget.value())
            else:
                raise TypeError(f"no value for a {type(widget).__name__}")
        return values

    def set_values(self, settings: dict[str, Any]) -> None:
        """Show ``settings``; a missing required key raises ``KeyError``, an unknown choice
        ``ValueError``."""
        for key, widget in self.fields.items():
            if isinstance(widget, SeedsRow):
                widget.set_values(settings)
                continue
            if key not in settings and key in self._optional:
                continue
            value = settings[key]
            if isinstance(widget, DataChoice):
                widget.set_name(str(value))
            elif isinstance(widget, NetworkFields):
                widget.set_values(value)
            elif isinstance(widget, QComboBox):
                index = widget.findData(value)
                if index < 0:
                    field = self.labels[key].text() if key in self.labels else key
                    raise ValueError(tr("Unknown {field}: {value!r}.").format(
                        field=field, value=value))
                widget.setCurrentIndex(index)
            elif isinstance(widget, QSpinBox):
                widget.setValue(int(value))
            else:
                widget.setValue(float(value))


__all__ = ["SettingsForm", "field_labels"]
