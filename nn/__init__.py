"""A neural-network engine written from scratch in NumPy (Deep Learning from Scratch, ch. 3–8).

>>> import nn
>>> model = nn.presets.build("simple_convnet", seed=0)
>>> opt = nn.optimizers.get("adam", lr=1e-3)
>>> loss = model.train_step(x, t, opt)           # doctest: +SKIP
>>> nn.save_model(model, "m.npz"); nn.load_model("m.npz")  # doctest: +SKIP
>>> nn.export.to_onnx(model, "m.onnx")           # doctest: +SKIP

Imports NumPy and the standard library only — never Qt or Matplotlib.
"""

from nn import (
    datasets,
    errors,
    export,
    functions,
    gradcheck,
    initializers,
    layers,
    losses,
    optimizers,
    presets,
    schedules,
    training,
)
from nn.errors import (
    DatasetError,
    DownloadError,
    ModelBuildError,
    ModelFileError,
    NNError,
    TrainingError,
)
from nn.layers import (
    AvgPool2D,
    BatchNorm,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    Identity,
    LeakyReLU,
    MaxPool2D,
    ReLU,
    Sigmoid,
    Step,
    Tanh,
)
from nn.model import Sequential
from nn.serialization import load_model, save_model

__version__ = "0.1.0"

__all__ = [
    "AvgPool2D", "BatchNorm", "Conv2D", "DatasetError", "Dense", "DownloadError", "Dropout",
    "Flatten", "Identity", "LeakyReLU", "MaxPool2D", "ModelBuildError", "ModelFileError",
    "NNError", "ReLU", "Sequential", "Sigmoid", "Step", "Tanh", "TrainingError", "datasets",
    "errors", "export",
    "functions", "gradcheck", "initializers", "layers", "load_model", "losses", "optimizers",
    "presets", "save_model", "schedules", "training",
]
