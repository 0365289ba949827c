"""What the builder knows about each layer type: name, category, explanation and editable fields.

Qt-free data. Texts are English source strings; widgets pass them through
:func:`workbench.core.i18n.tr` when they show them. Field ranges stop the obvious mistakes
(0 filters, a dropout rate of 1); anything else the engine rejects is reported on the layer's row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbench.core.i18n import tr, tr_noop

LAYERS, ACTIVATIONS = tr_noop("Layers"), tr_noop("Activations")
REGULARIZATION = tr_noop("Regularization")
CATEGORIES = (LAYERS, ACTIVATIONS, REGULARIZATION)

#: Per-layer weight initializers offered by the editor (book ch. 6.2); ``None`` = model default.
INITIALIZERS = ("zeros", "std0.01", "xavier", "he", "xavier_uniform", "he_uniform")
INIT_TIPS = {
    "zeros": tr_noop("All weights 0: every unit computes the same thing and they never become "
                     "different — the symmetry failure of ch. 6.2.1."),
    "std0.01": tr_noop("Gaussian with standard deviation 0.01, the book's default (ch. 6.2.1); "
                       "fine for shallow nets, vanishes in deep ones."),
    "xavier": tr_noop("Gaussian with std √(1/fan_in), suited to sigmoid and tanh (ch. 6.2.3)."),
    "he": tr_noop("Gaussian with std √(2/fan_in), suited to ReLU (ch. 6.2.4)."),
    "xavier_uniform": tr_noop("Uniform distribution with the same variance as Xavier."),
    "he_uniform": tr_noop("Uniform distribution with the same variance as He."),
}


@dataclass(frozen=True)
class Field:
    """One editable constructor argument.

    ``kind`` is ``int``, ``float``, ``choice``, ``bool``, ``pair`` (an int or two ints, e.g. a
    kernel size) or ``init`` (a per-layer weight initializer, ``None`` meaning the model default).
    """

    name: str
    label: str
    kind: str
    default: Any
    tooltip: str
    minimum: float = 0
    maximum: float = 0
    step: float = 1
    decimals: int = 0
    choices: tuple[Any, ...] = ()


@dataclass(frozen=True)
class LayerEntry:
    type: str
    title: str
    category: str
    chapter: str
    summary: str
    explanation: str
    fields: tuple[Field, ...] = field(default=())

    def defaults(self) -> dict[str, Any]:
        """The config a new layer of this type starts with (``init`` left to the model)."""
        return {f.name: f.default for f in self.fields if f.kind != "init"}

    def new_layer(self) -> dict[str, Any]:
        return {"type": self.type, "config": self.defaults()}


def _init_field() -> Field:
    return Field("init", tr_noop("Weight init"), "init", None,
                 tr_noop("How this layer's weights are drawn before training (ch. 6.2). “Model "
                         "default” uses the model-wide initializer from the training settings; "
                         "pick another to override it for this layer only."), choices=INITIALIZERS)


ENTRIES: tuple[LayerEntry, ...] = (
    LayerEntry(
        "Dense", tr_noop("Dense (Affine)"), LAYERS, tr_noop("ch. 3.3, 5.6"),
        tr_noop("Fully connected layer: every output sees every input."),
        tr_noop("Computes y = x·W + b: each of its units is a weighted sum of all inputs plus a "
                "bias — the book's Affine layer (matrix product in ch. 3.3, backward pass in "
                "ch. 5.6). Any input shape is flattened first, so it can follow a convolution "
                "directly. Its weights are drawn by the initializer (ch. 6.2)."),
        (Field("units", tr_noop("Units"), "int", 100,
               tr_noop("Number of outputs (neurons) of the layer (ch. 3.3, 5.6). The last Dense "
                       "layer needs one unit per class; hidden layers trade capacity for speed."),
               minimum=1, maximum=8192),
         Field("use_bias", tr_noop("Bias"), "bool", True,
               tr_noop("Add a learned bias b to each output (ch. 3.3). Usually on; it can be "
                       "turned off before a BatchNorm layer, whose β plays the same role "
                       "(ch. 6.3).")),
         _init_field()),
    ),
    LayerEntry(
        "Conv2D", tr_noop("Convolution (Conv2D)"), LAYERS, tr_noop("ch. 7.2"),
        tr_noop("Slides learned filters over an image; keeps the spatial layout."),
        tr_noop("Slides small learned filters over the image and computes a weighted sum at every "
                "position (ch. 7.2), so the layer keeps the image's spatial layout and shares "
                "weights across positions. Output size: (H + 2·pad − kernel) / stride + 1 "
                "(ch. 7.2.4). Implemented with im2col, as in ch. 7.4."),
        (Field("filters", tr_noop("Filters"), "int", 16,
               tr_noop("Number of filters, i.e. output channels (ch. 7.2): each filter learns to "
                       "detect one pattern, such as an edge or a blob."), minimum=1, maximum=1024),
         Field("kernel_size", tr_noop("Kernel"), "pair", 3,
               tr_noop("Height × width of each filter (ch. 7.2). 3×3 and 5×5 are the book's "
                       "choices; larger kernels see more context but cost "
                       "more."), minimum=1, maximum=15),
         Field("stride", tr_noop("Stride"), "int", 1,
               tr_noop("Step between filter positions (ch. 7.2.3). Stride 2 halves the output "
                       "size."),
               minimum=1, maximum=8),
         Field("pad", tr_noop("Padding"), "int", 1,
               tr_noop("Zeros added around the input (ch. 7.2.2). With a 3×3 kernel, padding 1 "
                       "keeps the output the same size as the input."), minimum=0, maximum=8),
         _init_field()),
    ),
    LayerEntry(
        "MaxPool2D", tr_noop("Max pooling"), LAYERS, tr_noop("ch. 7.3"),
        tr_noop("Keeps the largest value of each window; shrinks the image."),
        tr_noop("Keeps only the largest value of each window (ch. 7.3). It has no weights, shrinks "
                "the image and makes the network tolerant of small shifts of the input."),
        (
            Field("pool_size", tr_noop("Window"), "pair", 2,
                  tr_noop("Height × width of the pooling window (ch. 7.3). 2×2 with stride 2 "
                          "halves the image size, the book's usual choice."), minimum=1, maximum=8),
            Field("stride", tr_noop("Stride"), "int", 2,
                  tr_noop("Step between windows (ch. 7.3); usually equal to the window size so the "
                          "windows do not overlap."), minimum=1, maximum=8),
            Field("pad", tr_noop("Padding"), "int", 0,
                  tr_noop("Pixels added around the input (ch. 7.2.2); must be smaller than the "
                          "window, or a window could hold padding only."), minimum=0, maximum=4),
        ),
    ),
    LayerEntry(
        "AvgPool2D", tr_noop("Average pooling"), LAYERS, tr_noop("ch. 7.3"),
        tr_noop("Averages each window; shrinks the image."),
        tr_noop("Replaces each window by its mean (ch. 7.3). Like max pooling it has no weights "
                "and shrinks the image; it blurs rather than picking the strongest response."),
        (
            Field("pool_size", tr_noop("Window"), "pair", 2,
                  tr_noop("Height × width of the averaging window "
                          "(ch. 7.3)."), minimum=1, maximum=8),
            Field("stride", tr_noop("Stride"), "int", 2,
                  tr_noop("Step between windows (ch. 7.3); usually equal to the window size."),
                  minimum=1, maximum=8),
            Field("pad", tr_noop("Padding"), "int", 0,
                  tr_noop("Zeros added around the input (ch. 7.2.2); they count towards the mean. "
                          "Must be smaller than the window."), minimum=0, maximum=4),
        ),
    ),
    LayerEntry(
        "Flatten", tr_noop("Flatten"), LAYERS, tr_noop("ch. 7.5"),
        tr_noop("Turns an image into a vector (Dense also does this on its own)."),
        tr_noop("Reshapes channels × height × width into one long vector, the bridge between the "
                "convolutional part and the fully connected part of a ConvNet (ch. 7.5). Dense "
                "layers flatten their input themselves, so this layer is optional."),
    ),
    LayerEntry(
        "ReLU", tr_noop("ReLU"), ACTIVATIONS, tr_noop("ch. 3.2.7, 5.5.1"),
        tr_noop("max(0, x): the default activation of modern networks."),
        tr_noop("Passes positive values and sets negative ones to 0 (ch. 3.2.7). Its gradient is 1 "
                "or 0 (ch. 5.5.1), so it does not saturate like sigmoid — the usual choice for "
                "hidden layers, paired with He initialization (ch. 6.2.4)."),
    ),
    LayerEntry(
        "LeakyReLU", tr_noop("Leaky ReLU"), ACTIVATIONS, tr_noop("ch. 3.2.7"),
        tr_noop("Like ReLU, but negative inputs keep a small slope α."),
        tr_noop("Like ReLU (ch. 3.2.7), but negative inputs are multiplied by a small slope α "
                "instead of being set to 0, so a unit that only ever sees negative inputs still "
                "gets a gradient and can recover (no “dead” units)."),
        (Field("alpha", tr_noop("Slope α"), "float", 0.01,
               tr_noop("Slope for negative inputs: y = α·x when x < 0. 0 gives plain ReLU; typical "
                       "values are 0.01–0.2. Must be below "
                       "1."), minimum=0.0, maximum=0.99, step=0.01,
               decimals=3),),
    ),
    LayerEntry(
        "Sigmoid", tr_noop("Sigmoid"), ACTIVATIONS, tr_noop("ch. 3.2.4, 5.5.2"),
        tr_noop("1 / (1 + e^−x): a smooth step between 0 and 1."),
        tr_noop("Squashes every input into (0, 1) smoothly (ch. 3.2.4), which made gradient "
                "descent possible after the perceptron's step. Its gradient y·(1 − y) (ch. 5.5.2) "
                "is at most 0.25, so deep sigmoid stacks learn slowly (vanishing gradients, "
                "ch. 6.2.2); pair it with Xavier initialization."),
    ),
    LayerEntry(
        "Tanh", tr_noop("Tanh"), ACTIVATIONS, tr_noop("ch. 6.2.3"),
        tr_noop("Hyperbolic tangent: a zero-centred sigmoid between −1 and 1."),
        tr_noop("An S-shaped function like sigmoid but centred on 0, with outputs in (−1, 1); the "
                "book compares it with sigmoid when discussing initial weights (ch. 6.2.3). Pair "
                "it with Xavier initialization."),
    ),
    LayerEntry(
        "Step", tr_noop("Step"), ACTIVATIONS, tr_noop("ch. 2, 3.2.2"),
        tr_noop("The perceptron's 0/1 step: cannot be trained by gradient descent."),
        tr_noop("Outputs 1 for positive inputs and 0 otherwise — the perceptron's activation "
                "(ch. 2, 3.2.2). Its derivative is 0 almost everywhere, so no gradient flows "
                "through it and a network containing it cannot be trained (the reason the "
                "book moves to sigmoid). Useful to show exactly that."),
    ),
    LayerEntry(
        "Identity", tr_noop("Identity"), ACTIVATIONS, tr_noop("ch. 3.5"),
        tr_noop("Passes values through unchanged."),
        tr_noop("Returns its input unchanged — the identity output function the book uses for "
                "regression (ch. 3.5). In a hidden layer it makes two Dense layers collapse into "
                "one linear map, which shows why non-linear activations matter (ch. 3.2.6)."),
    ),
    LayerEntry(
        "BatchNorm", tr_noop("Batch normalization"), REGULARIZATION, tr_noop("ch. 6.3"),
        tr_noop("Normalises each feature over the mini-batch; speeds up training."),
        tr_noop("Normalises each feature (or channel, after a convolution) to zero mean and unit "
                "variance over the mini-batch, then scales and shifts it with learned γ and β "
                "(ch. 6.3). Training becomes faster and less sensitive to the initial weights, "
                "with a mild regularising effect. At inference it uses running averages of the "
                "batch statistics."),
        (Field("momentum", tr_noop("Momentum"), "float", 0.9,
               tr_noop("How slowly the running mean and variance used at inference follow the "
                       "batch statistics (ch. 6.3): running = momentum·running + (1 − "
                       "momentum)·batch. Must be below "
                       "1."), minimum=0.0, maximum=0.999, step=0.01, decimals=3),
         Field("eps", tr_noop("Epsilon"), "choice", 1e-6,
               tr_noop("Small number added to the variance before the square root so that a "
                       "feature with no variance does not divide by zero (ch. 6.3)."),
               choices=(1e-7, 1e-6, 1e-5, 1e-4, 1e-3))),
    ),
    LayerEntry(
        "Dropout", tr_noop("Dropout"), REGULARIZATION, tr_noop("ch. 6.4.3"),
        tr_noop("Randomly silences units while training, against overfitting."),
        tr_noop("While training, sets a random fraction of its inputs to 0 at every step, so the "
                "network cannot rely on any single unit — a cheap form of ensemble learning "
                "against overfitting (ch. 6.4.3). It does nothing at inference. This engine uses "
                "inverted dropout: kept units are scaled up during training instead of scaling "
                "down at inference."),
        (Field("rate", tr_noop("Drop rate"), "float", 0.5,
               tr_noop("Fraction of units dropped at each training step (ch. 6.4.3). 0.5 is common "
                       "after Dense layers, 0.1–0.3 after convolutions; it must be below 1."),
               minimum=0.0, maximum=0.95, step=0.05, decimals=2),),
    ),
)

_BY_TYPE = {entry.type: entry for entry in ENTRIES}


def entry(layer_type: str) -> LayerEntry:
    """The catalog entry for ``layer_type`` (an unknown type gets a bare entry)."""
    found = _BY_TYPE.get(layer_type)
    if found is None:
        return LayerEntry(layer_type, layer_type, LAYERS, "", "", "")
    return found


def by_category(category: str) -> list[LayerEntry]:
    return [e for e in ENTRIES if e.category == category]


def _size(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return f"{value[0]}×{value[1]}"
    return f"{value}×{value}"


def describe(spec: dict[str, Any]) -> str:
    """A compact row label, e.g. ``Conv2D 30@5×5, stride 1, pad 0`` or ``Dense 100``."""
    kind = str(spec.get("type", "?"))
    cfg = dict(spec.get("config") or {})
    try:
        if kind == "Conv2D":
            text = tr("Conv2D {filters}@{kernel}, stride {stride}, pad {pad}").format(
                filters=cfg.get("filters", "?"), kernel=_size(cfg.get("kernel_size", 3)),
                stride=cfg.get("stride", 1), pad=cfg.get("pad", 0))
        elif kind == "Dense":
            text = tr("Dense {units}").format(units=cfg.get("units", "?"))
            if cfg.get("use_bias", True) is False:
                text += tr(", no bias")
        elif kind in ("MaxPool2D", "AvgPool2D"):
            size = cfg.get("pool_size", 2)
            stride = cfg.get("stride")
            text = f"{kind} {_size(size)}"
            first = size[0] if isinstance(size, (list, tuple)) else size
            if stride is not None and stride != first:
                text += tr(", stride {stride}").format(stride=stride)
            if cfg.get("pad"):
                text += tr(", pad {pad}").format(pad=cfg["pad"])
        elif kind == "Dropout":
            text = tr("Dropout {rate:g}").format(rate=float(cfg.get("rate", 0.5)))
        elif kind == "LeakyReLU":
            text = tr("LeakyReLU α={alpha:g}").format(alpha=float(cfg.get("alpha", 0.01)))
        elif kind == "BatchNorm":
            text = tr("BatchNorm")
            if cfg.get("momentum", 0.9) != 0.9:
                text += tr(", momentum {m:g}").format(m=float(cfg["momentum"]))
        else:
            text = kind
    except (TypeError, ValueError, IndexError):
        text = kind
    if cfg.get("init"):
        text += tr(", init {init}").format(init=cfg["init"])
    return text


def shape_text(shape: tuple[int, ...] | None) -> str:
    return "—" if shape is None else "×".join(str(s) for s in shape)


def current_value(spec: dict[str, Any], fld: Field) -> Any:
    """The value ``fld`` has in a layer spec; a missing key means the engine's default."""
    cfg = dict(spec.get("config") or {})
    if fld.name in cfg:
        value = cfg[fld.name]
    else:
        value = _engine_default(str(spec.get("type")), fld.name, fld.default)
    if value is None and fld.name == "stride" and "pool_size" in cfg:  # pools: stride = window
        size = cfg["pool_size"]
        value = size[0] if isinstance(size, (list, tuple)) else size
    return value


def _engine_default(layer_type: str, name: str, fallback: Any) -> Any:
    import inspect

    import nn

    try:
        cls = nn.layers.resolve_type(layer_type)
        default = inspect.signature(cls.__init__).parameters[name].default
    except (ValueError, KeyError):
        return fallback
    return fallback if default is inspect.Parameter.empty else default


def short_error(index: int, description: str, error: str | None) -> str | None:
    """The engine's message without its "Layer 4 (Conv2D(...))" prefix, which the row and the
    settings' title already show: "Cannot take input of shape (100,): it needs …"."""
    if not error:
        return error
    prefix = f"Layer {index} ({description}) "
    if error.startswith(prefix):
        rest = error[len(prefix):]
        return rest[:1].upper() + rest[1:]
    return error
