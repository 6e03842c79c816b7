"""'same' padding keeps the image size for every filter size, in the model and every export."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import torch

from playground.core.datafit import fit_to_data
from playground.core.datasets import DataConfig, make_dataset
from playground.core.export import export
from playground.core.graph import require_valid
from playground.core.layers import output_size_text
from playground.core.model import build_model
from playground.core.project import Project
from playground.core.spec import sequential


def _even_filter_project() -> Project:
    spec = sequential(("Input", {"shape": [1, 8, 8]}),
                      ("Conv2d", {"filters": 2, "kernel": 4, "padding_mode": "same"}),
                      ("Conv2d", {"filters": 3, "kernel": 2, "stride": 2,
                                  "padding_mode": "same"}),
                      ("Flatten", {}), ("Output", {}))
    data = DataConfig(name="digits", n_samples=40)
    fit_to_data(spec, make_dataset(data))
    project = Project(spec, data)
    project.weights = build_model(spec, seed=3).state_arrays()
    return project


@pytest.mark.parametrize("kernel", [1, 2, 3, 4, 5, 6])
def test_same_padding_keeps_the_size_for_odd_and_even_filters(kernel):
    spec = sequential(("Input", {"shape": [1, 8, 8]}),
                      ("Conv2d", {"filters": 2, "kernel": kernel, "padding_mode": "same"}),
                      ("Flatten", {}), ("Output", {}))
    assert require_valid(spec).shapes["conv2d_1"] == (2, 8, 8)
    out = build_model(spec).trace(torch.zeros(1, 1, 8, 8))["conv2d_1"]
    assert tuple(out.shape) == (1, 2, 8, 8)


def test_same_padding_with_a_stride_rounds_up_and_the_rule_shows_the_odd_pixel():
    info = require_valid(_even_filter_project().network)
    assert info.shapes["conv2d_1"] == (2, 8, 8) and info.shapes["conv2d_2"] == (3, 4, 4)
    same4 = {"kernel": 4, "stride": 1, "padding_mode": "same", "padding": 0}
    assert output_size_text("Conv2d", same4, (1, 8, 8)) == "(8 − 4 + 1 + 2) / 1 + 1 = 8"


def _reference(project: Project, x: np.ndarray) -> np.ndarray:
    model = build_model(project.network)
    model.load_state_arrays(project.weights)
    with torch.no_grad():
        return model.eval()(torch.from_numpy(x)).numpy()


def test_even_filter_same_padding_exports_agree(tmp_path):
    onnxruntime = pytest.importorskip("onnxruntime")
    project = _even_filter_project()
    x = np.random.default_rng(0).normal(size=(5, 1, 8, 8)).astype(np.float32)
    expected = _reference(project, x)
    session = onnxruntime.InferenceSession(str(export(project, "onnx", tmp_path / "m").path))
    assert np.abs(session.run(None, {"x": x})[0] - expected).max() <= 1e-5
    program = torch.export.load(export(project, "pt2", tmp_path / "m.pt2").path)
    assert np.allclose(program.module()(torch.from_numpy(x)).detach().numpy(), expected, atol=1e-6)
    path = export(project, "script", tmp_path / "net.py").path
    spec = importlib.util.spec_from_file_location("padded_net", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert np.allclose(module.predict(x), expected, atol=1e-6)
    net = module.Net()
    net.load_state_dict(torch.load(export(project, "state_dict", tmp_path / "w.pt").path,
                                   weights_only=True))
    with torch.no_grad():
        assert np.allclose(net.eval()(torch.from_numpy(x)).numpy(), expected, atol=1e-6)
