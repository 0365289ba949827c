"""A neural-network engine written from scratch in NumPy (Deep Learning from Scratch, ch. 3–8).

>>> import nn
>>> model = nn.presets.build("simple_convnet", seed=0)
>>> opt = nn.optimizers.get("adam", lr=1e-3)
>>> loss = model.train_step(x, t, opt)           # doctest: +SKIP
>>> nn.save_model(model, "m.npz"); nn.load_model("m.npz")  # doctest: +SKIP
>>> nn.export.to_onnx(model, "m.onnx")           # doctest: +SKIP

Imports NumPy and the standard library only — never Qt or Matplotlib.

Every component round-trips through its config: ``module.from_config(obj.get_config())``
rebuilds it (``tests/nn/test_config_round_trips.py``). The one shape is *a name plus its
arguments*; how each kind writes it, and why they differ:

=============  ===========================================  ====================================
kind           ``get_config()``                             why this shape
=============  ===========================================  ====================================
optimizer      ``{"name": "adam", "lr": …, "beta1": …}``     name + keyword arguments
schedule       ``{"name": "cosine", "total_steps": …}``      name + keyword arguments
layer          ``{"units": 5, …}`` (the constructor's        the class is the name; stored as
               arguments); ``nn.layers.to_config(layer)``    ``{"type", "config"}`` in every model
               adds ``{"type": "Dense", "config": …}``       file since format 1 (Keras' shape)
loss           ``"mse"``                                     no arguments: the name is all
initializer    ``"std0.05"``                                 its one argument is in the name
=============  ===========================================  ====================================
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
    LayerUsageError,
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
    "Flatten", "Identity", "LayerUsageError", "LeakyReLU", "MaxPool2D", "ModelBuildError",
    "ModelFileError", "NNError", "ReLU", "Sequential", "Sigmoid", "Step", "Tanh", "TrainingError",
    "datasets", "errors", "export", "functions", "gradcheck", "initializers", "layers",
    "load_model", "losses", "optimizers", "presets", "save_model", "schedules", "training",
]
