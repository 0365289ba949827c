"""The engine against PyTorch (skipped unless ``pip install torch``): the book's networks in
float64 with the same weights give the same scores, loss and gradients as ``torch.nn``, including
max-pool ties on saturated strokes (both send the gradient to the first maximum)."""

from __future__ import annotations

import numpy as np
import pytest

import nn

torch = pytest.importorskip("torch")


def twin(model: nn.Sequential):
    modules = []
    for layer in model.layers:
        if isinstance(layer, nn.Conv2D):
            conv = torch.nn.Conv2d(layer.input_shape[0], layer.filters, layer.kernel_size,
                                   layer.stride, layer.pad).double()
            conv.weight.data = torch.from_numpy(layer.params["W"].copy())
            conv.bias.data = torch.from_numpy(layer.params["b"].copy())
            modules.append(conv)
        elif isinstance(layer, nn.Dense):
            modules.append(torch.nn.Flatten())
            lin = torch.nn.Linear(int(np.prod(layer.input_shape)), layer.units).double()
            lin.weight.data = torch.from_numpy(layer.params["W"].T.copy())
            lin.bias.data = torch.from_numpy(layer.params["b"].copy())
            modules.append(lin)
        elif isinstance(layer, nn.MaxPool2D):
            modules.append(torch.nn.MaxPool2d(layer.pool_size, layer.stride, layer.pad))
        elif isinstance(layer, nn.ReLU):
            modules.append(torch.nn.ReLU())
        elif isinstance(layer, nn.Dropout):
            modules.append(torch.nn.Identity())  # compared in inference mode for dropout
        else:
            raise NotImplementedError(type(layer).__name__)
    return torch.nn.Sequential(*modules)


@pytest.mark.parametrize("name", ["simple_convnet", "deep_convnet"])
def test_scores_loss_and_gradients_match_pytorch(name):
    model = nn.presets.build(name, seed=0, dtype="float64")
    for key, p in model.named_parameters().items():
        if key.endswith(".b"):
            p[:] = np.random.default_rng(len(key)).uniform(-0.1, 0.1, p.shape)
    for layer in model.layers:
        if isinstance(layer, nn.Dropout):
            layer.rate = 0.0  # same network in training mode, without random masks
    rng = np.random.default_rng(1)
    x = rng.random((7, 1, 28, 28))
    x[:3, :, 8:20, 8:20] = 1.0  # saturated strokes: tied pool windows
    t = rng.integers(0, 10, 7)
    loss = model.loss_and_grads(x, t)[0]
    net = twin(model)
    xt = torch.from_numpy(x).requires_grad_(True)
    scores = net(xt)
    tl = torch.nn.functional.cross_entropy(scores, torch.from_numpy(t))
    tl.backward()
    np.testing.assert_allclose(model.forward(x), scores.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert loss == pytest.approx(tl.item(), rel=1e-12)
    grads = model.named_grads()
    index = 0
    for module in net:
        if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)):
            while not model.layers[index].params:
                index += 1
            w, b = grads[f"{index}.W"], grads[f"{index}.b"]
            tw = module.weight.grad.numpy()
            np.testing.assert_allclose(w, tw if w.shape == tw.shape else tw.T, rtol=1e-8,
                                       atol=1e-12, err_msg=f"{index}.W")
            np.testing.assert_allclose(b, module.bias.grad.numpy(), rtol=1e-8, atol=1e-12)
            index += 1
    saliency = model.input_gradient(x, t)
    xt.grad = None
    net(xt).gather(1, torch.from_numpy(t)[:, None]).sum().backward()
    np.testing.assert_allclose(saliency, xt.grad.numpy(), rtol=1e-8, atol=1e-12)
