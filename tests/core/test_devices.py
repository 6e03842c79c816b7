"""Device policy: `auto` takes a GPU only where it wins; the GPU paths run where one exists."""

from __future__ import annotations

import math

import pytest
import torch

from playground.core.backprop import backprop_step
from playground.core.presets import load_preset
from playground.core.training import runtime
from playground.core.training.engine import TrainerBase
from playground.core.training.factory import make_trainer


@pytest.mark.parametrize(("work", "expected"), [(25 * 10, "cpu"),
                                                (runtime.GPU_WORTH - 1, "cpu"),
                                                (runtime.GPU_WORTH, "cuda"), (None, "cuda")])
def test_auto_takes_the_gpu_only_for_large_steps(monkeypatch, work, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert runtime.resolve_device("auto", work).type == expected


def test_a_small_preset_trains_on_the_cpu_under_auto(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    project = load_preset("circle")
    trainer = make_trainer(project.network, project.dataset(),
                           project.training.replace(device="auto"))
    assert trainer.device.type == "cpu"


GPUS = [name for name, there in (("cuda", torch.cuda.is_available()),
                                  ("mps", torch.backends.mps.is_available())) if there]


@pytest.mark.skipif(not GPUS, reason="no GPU on this machine")
@pytest.mark.parametrize("device", GPUS)
def test_training_and_backprop_numbers_run_on_the_gpu(device):
    project = load_preset("digits-cnn")
    trainer = make_trainer(project.network, project.dataset(),
                           project.training.replace(device=device, epochs=1))
    assert trainer.device.type == device
    for _ in range(5):
        trainer.train_step()
    assert all(math.isfinite(n) for n in trainer.grad_norms().values())
    assert math.isfinite(trainer.snapshot().record.train_loss)
    circle = load_preset("circle")
    base = TrainerBase(circle.network, circle.dataset(), circle.training.replace(device=device))
    data = base.dataset
    step = backprop_step(base.model, base.head, data.x_train[0], data.y_train[0], 0.1)
    assert math.isfinite(step.loss)
