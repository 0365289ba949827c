"""The model builder's state: an editable layer stack with undo/redo, validated by the engine.

Qt-free. Every edit pushes a snapshot on the undo stack and emits :attr:`BuilderState.changed`;
:meth:`BuilderState.validation` reports per-layer output shapes and parameter counts, or the
engine's message on the offending layer. Validation is shape-only (:func:`nn.blueprint.blueprint`,
Keras' ``compute_output_shape``): no edit, preset or validation allocates a weight, so a stack
past the engine's 50-million-parameter limit is refused in well under a millisecond with the
layer named (``benchmarks/bench_builder_validation.py``). Only :meth:`BuilderState.build` builds.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import nn
from nn.blueprint import blueprint
from nn.errors import ModelBuildError
from workbench.core.i18n import plural, tr, tr_dynamic, tr_noop
from workbench.core.observable import Signal

LayerDict = dict[str, Any]  # {"type": "Conv2D", "config": {...}}
#: Changes of the same setting of the same layer less than this many seconds apart (a burst of
#: arrow clicks, an arrow held down, the mouse wheel) are one undo entry.
MERGE_SECONDS = 1.0
#: Undo-label arguments that are English texts, translated when the label is shown.
TRANSLATED_ARGS = ("title",)


@dataclass(frozen=True)
class LayerRow:
    """What the builder shows for one layer."""

    index: int
    type: str
    description: str
    output_shape: tuple[int, ...] | None  # None when the stack fails at or before this layer
    parameters: int
    error: str | None = None


@dataclass(frozen=True)
class Validation:
    rows: list[LayerRow]
    error_index: int | None = None
    error: str | None = None
    total_parameters: int = 0
    output_shape: tuple[int, ...] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        """One line for the builder's footer, in the interface language (the engine's own
        message stays as the engine wrote it)."""
        if not self.ok:
            named = self.error_index is None or self.error.startswith("Layer ")
            if named:
                return tr("Invalid model — {error}").format(error=tr_dynamic(self.error))
            return tr("Invalid model — layer {index}: {error}").format(
                index=self.error_index, error=tr_dynamic(self.error))
        shape = "×".join(map(str, self.output_shape or ()))
        return plural(len(self.rows), tr("1 layer, {params} trainable parameters, output {shape}"),
                      tr("{layers} layers, {params} trainable parameters, output {shape}")
                      ).format(layers=len(self.rows), params=f"{self.total_parameters:,}",
                               shape=shape)


@dataclass
class _Snapshot:
    layers: list[LayerDict]
    input_shape: tuple[int, ...]
    init: str
    label: str = ""  # an English template marked with tr_noop, e.g. "Edit {layer}"
    preset: str | None = None
    label_args: dict[str, Any] = field(default_factory=dict)

    def text(self, translate: Any = str) -> str:
        args = {key: translate(value) if key in TRANSLATED_ARGS else value
                for key, value in self.label_args.items()}
        return translate(self.label).format(**args)


@dataclass
class BuilderState:
    """Layer stack + model-wide settings, with an undo history."""

    layers: list[LayerDict] = field(default_factory=list)
    input_shape: tuple[int, ...] = (1, 28, 28)
    init: str = "he"
    preset: str | None = None  # the preset the stack came from, until edited
    changed: Signal = field(default_factory=Signal, repr=False)
    #: Seconds for grouping edits (:data:`MERGE_SECONDS`); replaceable in tests.
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    def __post_init__(self) -> None:
        self._undo: list[_Snapshot] = []
        self._redo: list[_Snapshot] = []
        self._validation: Validation | None = None
        #: (layer index, setting names) and time of the last :meth:`update`, while the undo
        #: stack's top entry is that update's
        self._merge: tuple[tuple[int, tuple[str, ...]], float] | None = None

    # ------------------------------------------------------------------------------ queries
    def validation(self) -> Validation:
        """Cached result of checking the current stack's shapes (nothing is allocated)."""
        if self._validation is None:
            self._validation = validate(self.layers, self.input_shape, self.init)
        return self._validation

    def model_config(self, seed: int = 0, dtype: str = "float32") -> dict[str, Any]:
        """A :meth:`nn.Sequential.to_config` dict for the current stack (must be valid), made
        without building it (:meth:`nn.Sequential.config_for`)."""
        return nn.Sequential.config_for(copy.deepcopy(self.layers), self.input_shape, seed=seed,
                                        dtype=dtype, init=self.init,
                                        name=self.preset or "custom")

    def build(self, seed: int = 0, dtype: str = "float32") -> nn.Sequential:
        """A freshly initialized model; raises the engine's error if the stack is invalid."""
        return nn.Sequential(copy.deepcopy(self.layers), self.input_shape, seed=seed,
                             dtype=dtype, init=self.init, name=self.preset or "custom")

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str:
        """What undo would revert, in English (``"Edit Conv2D"``); :attr:`undo_text` translated."""
        return self._undo[-1].text() if self._undo else ""

    @property
    def undo_text(self) -> str:
        return self._undo[-1].text(tr_dynamic) if self._undo else ""

    @property
    def redo_text(self) -> str:
        return self._redo[-1].text(tr_dynamic) if self._redo else ""

    # -------------------------------------------------------------------------------- edits
    def load_preset(self, name: str, input_shape: tuple[int, ...] | None = None,
                    **options: Any) -> None:
        """Replace the stack with a preset's layers and initializer, optionally for a new input
        shape — one undoable edit."""
        shape = self.input_shape if input_shape is None else tuple(input_shape)
        if "classes" not in options:
            options.update(_classes_option(self, name))
        config = nn.presets.config(name, input_shape=shape, **options)  # nothing allocated
        self._edit(tr_noop("Load preset {title}"), config["layers"],
                   input_shape=shape, init=config["init"], preset=name,
                   args={"title": nn.presets.INFO[name].title})

    def to_dict(self) -> dict[str, Any]:
        """The builder as sessions and remembered settings store it (JSON-able):
        ``{"layers": [...], "input_shape": [...], "init": str, "preset": str | None}``."""
        return {"layers": copy.deepcopy(self.layers), "input_shape": list(self.input_shape),
                "init": self.init, "preset": self.preset}

    def load_dict(self, doc: dict[str, Any], label: str = tr_noop("Open session")) -> None:
        """Replace the stack with a :meth:`to_dict` document (checked by
        :func:`workbench.core.session_check.check_builder`) — one undoable edit named ``label``
        (an English text marked with ``tr_noop``)."""
        self._edit(label, [copy.deepcopy(spec) for spec in doc["layers"]],
                   input_shape=tuple(doc["input_shape"]), init=doc.get("init", "he"),
                   preset=doc.get("preset"))

    def load_config(self, config: dict[str, Any], label: str = tr_noop("Open model")) -> None:
        """Replace the stack with an engine model config (:meth:`nn.Sequential.to_config`, e.g.
        from a model file, whose ``name`` is the preset it was built from)."""
        self.load_dict({"layers": config["layers"], "input_shape": config["input_shape"],
                        "init": config.get("init", "he"), "preset": config.get("name")}, label)

    def add(self, layer: LayerDict, index: int | None = None) -> int:
        """Insert a layer (``{"type", "config"}``) at ``index`` (default: the end)."""
        layers = copy.deepcopy(self.layers)
        index = len(layers) if index is None else max(0, min(index, len(layers)))
        layers.insert(index, _normalise(layer))
        self._edit(tr_noop("Add {layer}"), layers, args={"layer": layer["type"]})
        return index

    def remove(self, index: int) -> None:
        layers = copy.deepcopy(self.layers)
        removed = layers.pop(index)
        self._edit(tr_noop("Remove {layer}"), layers, args={"layer": removed["type"]})

    def move(self, index: int, to: int) -> None:
        """Move the layer at ``index`` so that it ends up at position ``to``."""
        if index == to or not (0 <= to < len(self.layers)):
            return
        layers = copy.deepcopy(self.layers)
        layers.insert(to, layers.pop(index))
        self._edit(tr_noop("Move {layer}"), layers, args={"layer": layers[to]["type"]})

    def duplicate(self, index: int) -> int:
        layers = copy.deepcopy(self.layers)
        layers.insert(index + 1, copy.deepcopy(layers[index]))
        self._edit(tr_noop("Duplicate {layer}"), layers, args={"layer": layers[index]["type"]})
        return index + 1

    def update(self, index: int, **config: Any) -> None:
        """Change settings of one layer (``None`` removes a setting, e.g. ``init=None``).

        A change of the same settings of the same layer within :data:`MERGE_SECONDS` of the
        previous one joins its undo entry (five arrow clicks are one "Edit Conv2D"); when the
        joined changes end where they began, the entry is dropped.
        """
        layers = copy.deepcopy(self.layers)
        cfg = layers[index]["config"]
        for key, value in config.items():
            if value is None:
                cfg.pop(key, None)
            else:
                cfg[key] = value
        if layers == self.layers:
            return
        key, now = (index, tuple(sorted(config))), self.clock()
        merge = self._merge
        if merge is not None and merge[0] == key and now - merge[1] < MERGE_SECONDS:
            if layers == self._undo[-1].layers:  # back where the group began
                self._merge = None
                self._restore(self._undo.pop())
                return
            self.layers, self._validation, self._merge = layers, None, (key, now)
            self.changed.emit()
            return
        self._edit(tr_noop("Edit {layer}"), layers, args={"layer": layers[index]["type"]})
        self._merge = (key, now)

    def set_input_shape(self, shape: tuple[int, ...]) -> None:
        if tuple(shape) != self.input_shape:
            self._edit(tr_noop("Change input"), copy.deepcopy(self.layers),
                       input_shape=tuple(shape))

    def set_init(self, init: str) -> None:
        init = nn.initializers.get(init).name
        if init != self.init:
            self._edit(tr_noop("Change initializer"), copy.deepcopy(self.layers), init=init,
                       preset=self.preset)

    def clear(self) -> None:
        self._edit(tr_noop("Clear"), [])

    # ------------------------------------------------------------------------------- history
    def undo(self) -> None:
        self._merge = None
        if self._undo:
            snap = self._undo.pop()
            self._redo.append(self._snapshot(snap.label, snap.label_args))
            self._restore(snap)

    def redo(self) -> None:
        self._merge = None
        if self._redo:
            snap = self._redo.pop()
            self._undo.append(self._snapshot(snap.label, snap.label_args))
            self._restore(snap)

    def _snapshot(self, label: str, args: dict[str, Any] | None = None) -> _Snapshot:
        return _Snapshot(copy.deepcopy(self.layers), self.input_shape, self.init, label,
                         self.preset, dict(args or {}))

    def _restore(self, snap: _Snapshot) -> None:
        self.layers, self.input_shape, self.init = snap.layers, snap.input_shape, snap.init
        self.preset = snap.preset
        self._validation = None
        self.changed.emit()

    def _edit(self, label: str, layers: list[LayerDict], *, input_shape: tuple[int, ...] | None
              = None, init: str | None = None, preset: str | None = None,
              args: dict[str, Any] | None = None) -> None:
        self._undo.append(self._snapshot(label, args))
        self._redo.clear()
        self._merge = None
        self.layers = layers
        if input_shape is not None:
            self.input_shape = input_shape
        if init is not None:
            self.init = init
        self.preset = preset
        self._validation = None
        self.changed.emit()


def _normalise(layer: LayerDict) -> LayerDict:
    return {"type": str(layer["type"]), "config": dict(layer.get("config") or {})}


def _classes_option(state: BuilderState, preset: str) -> dict[str, Any]:
    # Keep the output width the current stack has, so a toy data set keeps its class count.
    rows = state.validation().rows if state.layers else []
    if rows and state.validation().ok and len(state.validation().output_shape or ()) == 1:
        return {"classes": state.validation().output_shape[0]}
    return {}


def validate(layers: list[LayerDict], input_shape: tuple[int, ...], init: str) -> Validation:
    """Check ``layers`` by shapes only and describe each; never raises, never allocates."""
    if not layers:
        return Validation([], None, tr_noop("the model has no layers; add one or pick a preset"))
    objects = []
    for index, spec in enumerate(layers):
        try:
            objects.append(nn.layers.from_config(spec))
        except (ValueError, TypeError) as exc:
            return _failed(layers, input_shape, index, str(exc), objects)
    try:
        nn.initializers.get(init)
        plan = blueprint(objects, input_shape)
    except ModelBuildError as exc:
        return _failed(layers, input_shape, exc.index, str(exc), objects)
    except ValueError as exc:
        return _failed(layers, input_shape, None, str(exc))
    rows = [LayerRow(i, type(layer).__name__, layer.describe(), plan.output_shapes[i],
                     plan.layer_parameters[i]) for i, layer in enumerate(objects)]
    return Validation(rows, None, None, plan.parameter_count, plan.output_shape)


def _failed(layers: list[LayerDict], input_shape: tuple[int, ...], index: int | None,
            message: str, objects: list | None = None) -> Validation:
    """Rows before the failure keep their shapes and sizes (the prefix is checked on its own);
    the failing row carries the message; later rows have no shape."""
    prefix = None
    if objects is not None and index:
        try:
            prefix = blueprint(objects[:index], input_shape)
        except (ModelBuildError, ValueError):
            prefix = None
    rows: list[LayerRow] = []
    for i, spec in enumerate(layers):
        if prefix is not None and i < index:
            layer = objects[i]
            rows.append(LayerRow(i, type(layer).__name__, layer.describe(),
                                 prefix.output_shapes[i], prefix.layer_parameters[i]))
            continue
        try:
            desc = nn.layers.from_config(spec).describe()
        except (ValueError, TypeError):
            desc = f"{spec.get('type', '?')}({spec.get('config', {})})"
        rows.append(LayerRow(i, str(spec.get("type")), desc, None, 0,
                             message if i == index else None))
    return Validation(rows, index, message)
