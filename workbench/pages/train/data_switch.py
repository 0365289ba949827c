"""Keeping the builder's network and the training settings fitted to the chosen data, in the
open (issue 15.4, 15.5).

Switching between images and 2-D points needs another network and suits other settings. An
unedited preset is replaced by the network for the new kind; the user's own stack is never
replaced without asking. The settings that change (epochs, batch size, Adam's learning rate)
are listed — only those that really change — with a button that puts them back.
"""

from __future__ import annotations

from typing import Any

import nn
from workbench.core.data_cache import DataCache
from workbench.core.i18n import plural, tr, tr_dynamic
from workbench.pages.train.change_bar import ChangeBar
from workbench.state import BuilderState, TrainingSetup
from workbench.state.train_data import (
    IMAGE_SHAPE,
    SettingChange,
    apply_settings,
    expected_input_shape,
    fit_builder_to_data,
    is_custom,
    kind_settings,
    needs_other_network,
)
from workbench.ui.fields import format_number


def network_key(builder: BuilderState) -> tuple[str | None, int, tuple[int, ...]]:
    """What :func:`network_name` needs, in no language: preset, layer count, input shape."""
    preset = builder.preset if builder.preset in nn.presets.INFO else None
    return preset, len(builder.layers), tuple(builder.input_shape)


def network_name(key: tuple[str | None, int, tuple[int, ...]]) -> str:
    """The preset's title, or "your own network", with its layer count and input."""
    preset, layers, shape = key
    title = tr_dynamic(nn.presets.INFO[preset].title) if preset else tr("your own network")
    return plural(layers, tr("{title} (1 layer, input {shape})"),
                  tr("{title} ({layers} layers, input {shape})")).format(
        title=title, layers=layers, shape="×".join(map(str, shape)))


def kind_name(images: bool) -> str:
    return tr("images") if images else tr("2-D points")


def describe_settings(changes: list[SettingChange]) -> str:
    names = {"epochs": tr("epochs"), "batch_size": tr("batch size"),
             "lr": tr("Adam learning rate")}
    return "; ".join(tr("{setting} {old} → {new}").format(
        setting=names[c.key], old=format_number(c.old), new=format_number(c.new))
        for c in changes)


class DataSwitch:
    """Called by the page whenever the set-up changes (and training is not running)."""

    def __init__(self, builder: BuilderState, setup: TrainingSetup, cache: DataCache,
                 bar: ChangeBar) -> None:
        self.builder, self.setup, self.cache, self.bar = builder, setup, cache, bar
        #: The input shape for which the user chose to keep their own stack.
        self.kept_for: tuple[int, ...] | None = None
        self.asking = False  # the bar shows the question
        self._render: Any = None  # shows the bar's current message in the current language

    def retranslate(self) -> None:
        if self._render is not None and not self.bar.isHidden():
            self._render()

    def forget(self) -> None:
        """A new or reopened session: no question or report from before is pending."""
        self.kept_for, self.asking = None, False
        self.bar.dismiss()

    def builder_changed(self) -> None:
        """A question about a stack that now fits the data (e.g. after Edit → Undo) is void."""
        if self.asking and not needs_other_network(self.builder, self.setup.data):
            self.asking = False
            self.bar.dismiss()

    def sync(self) -> None:
        shape = expected_input_shape(self.setup.data)
        if not needs_other_network(self.builder, self.setup.data):
            self.kept_for = None
            fit_builder_to_data(self.builder, self.setup.data, self.cache)  # output width
            return
        if not is_custom(self.builder):
            self.switch()
        elif self.kept_for != shape:
            self._ask(shape)

    def _ask(self, shape: tuple[int, ...]) -> None:
        images, data, network = shape == IMAGE_SHAPE, self.setup.data.name, \
            network_key(self.builder)
        self.asking = True

        def render() -> None:
            self.bar.ask(
                tr("“{data}” gives {kind}, but your stack ({network}) takes {other}. Replace "
                   "it with the book's network for {kind}, or keep it (it cannot train on this "
                   "data until its input fits)?").format(
                    data=data, kind=kind_name(images), network=network_name(network),
                    other=kind_name(not images)),
                (tr("Replace my stack"), tr("Load the network for this data (Edit → Undo "
                                            "brings your stack back)."), self.switch),
                (tr("Keep my stack"), tr("Leave the model as it is; Train stays off until "
                                         "its input fits the data."), lambda: self._keep(shape)))

        self._render = render
        render()

    def _keep(self, shape: tuple[int, ...]) -> None:
        self.kept_for, self.asking = shape, False

    def switch(self) -> None:
        """Replace the network for the data's kind and adapt the settings; say what changed."""
        self.asking = False
        before = network_key(self.builder)
        if not fit_builder_to_data(self.builder, self.setup.data, self.cache):
            return
        images, after = self.builder.input_shape == IMAGE_SHAPE, network_key(self.builder)
        changes = kind_settings(self.setup, images)
        apply_settings(self.setup, changes)
        undo: Any = (lambda: apply_settings(self.setup, changes, undo=True)) if changes else None

        def render() -> None:
            parts = [tr("For {kind}: model {before} → {after} (Edit → Undo brings it back)")
                     .format(kind=kind_name(images), before=network_name(before),
                             after=network_name(after))]
            if changes:
                parts.append(describe_settings(changes))
            self.bar.tell("; ".join(parts) + ".", undo, tr("Undo the settings"),
                          tr("Put epochs, batch size and learning rate back as they were (the "
                             "model stays)."))

        self._render = render
        render()


__all__ = ["DataSwitch", "describe_settings", "kind_name", "network_key", "network_name"]
