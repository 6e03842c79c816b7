"""The fixed text of an exported script: its header, the step functions, the recurrent layers,
and the loading, prediction, training and command-line code after the generated network.

`RUNTIME` relies on the generated part to define `Net`, `targets`, `loss_per_sample`,
`accuracy`, `penalty`, `make_optimizer`, `network_inputs`, `network_targets`, `raw_outputs`,
`SETTINGS`, `WEIGHTS` and `DATA`.
"""

HEADER = '''\
#!/usr/bin/env python3
"""A network drawn in the neural-network playground, in plain PyTorch (needs torch and numpy).

    python <this file> --help                  what it can do
    python <this file> predict inputs.npy      predict, one row per input
    python <this file> train --epochs 20 --save more.pt    continue training with the
                                               project's settings, keep the weights in more.pt
    torchrun --nproc_per_node=4 <this file> train    the same on 4 processes, with
                                               DistributedDataParallel

From Python (as a module): `from <its name> import load_model, predict, train`.
"""
# Project: {title}

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
{functional}from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

HERE = Path(__file__).resolve().parent
WEIGHTS = HERE / {weights}  # the trained weights, a plain state dict
DATA = HERE / {data}  # the project's training and test data, raw
INPUT_SHAPE = {shape}  # one sample, without the batch dimension
SETTINGS = {settings}
'''

STEP = '''

class HeavisideStep(torch.autograd.Function):
    """φ(v) = 1 if v ≥ 0 else 0. Its true derivative is 0: no gradient flows back through it."""

    @staticmethod
    def forward(ctx, v):
        return (v >= 0).to(v.dtype)

    @staticmethod
    def backward(ctx, grad):
        return torch.zeros_like(grad)


def step(v):
    return HeavisideStep.apply(v)
'''

STEP_STRAIGHT_THROUGH = '''

class StraightThroughStep(torch.autograd.Function):
    """The step forward; backward passes the gradient on unchanged (φ′ taken as 1)."""

    @staticmethod
    def forward(ctx, v):
        return (v >= 0).to(v.dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad


def step_straight_through(v):
    return StraightThroughStep.apply(v)
'''

RECURRENT_BASE = '''

class Recurrent(nn.Module):
    """A recurrent layer unrolled over time: W xₜ + b for all steps at once, U hₜ₋₁ per step."""

    def __init__(self, features, units, gates, activation, return_sequences):
        super().__init__()
        self.units = units
        self.activation = activation
        self.return_sequences = return_sequences
        self.input_map = nn.Linear(features, gates * units)  # W and b
        self.hidden_map = nn.Linear(units, gates * units, bias=False)  # U

    def forward(self, x):
        drive = self.input_map(x)
        h = x.new_zeros(x.shape[0], self.units)
        c = torch.zeros_like(h)
        states = []
        for t in range(x.shape[1]):
            h, c = self.cell(drive[:, t], h, c)
            states.append(h)
        return torch.stack(states, dim=1) if self.return_sequences else h
'''

CELLS = {
    "RNN": '''

class RNNLayer(Recurrent):
    """hₜ = φ(W xₜ + U hₜ₋₁ + b)."""

    def __init__(self, features, units, activation, return_sequences):
        super().__init__(features, units, 1, activation, return_sequences)

    def cell(self, drive, h, c):
        return self.activation(drive + self.hidden_map(h)), c
''',
    "LSTM": '''

class LSTMLayer(Recurrent):
    """Input, forget and output gates (sigmoid) around a cell state c; φ on g and on c."""

    def __init__(self, features, units, activation, return_sequences):
        super().__init__(features, units, 4, activation, return_sequences)

    def cell(self, drive, h, c):
        i, f, g, o = (drive + self.hidden_map(h)).chunk(4, dim=-1)
        i, f, o = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o)
        c = f * c + i * self.activation(g)
        return o * self.activation(c), c
''',
    "GRU": '''

class GRULayer(Recurrent):
    """Reset gate r and update gate z (sigmoid); hₜ = (1 − z)·n + z·hₜ₋₁."""

    def __init__(self, features, units, activation, return_sequences):
        super().__init__(features, units, 3, activation, return_sequences)

    def cell(self, drive, h, c):
        xr, xz, xn = drive.chunk(3, dim=-1)
        hr, hz, hn = self.hidden_map(h).chunk(3, dim=-1)
        r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
        n = self.activation(xn + r * hn)
        return (1 - z) * n + z * h, c
''',
}


RUNTIME = '''

# ---- loading, prediction and training ----
def load_model(weights=WEIGHTS, device="cpu"):
    """The network with the weights in `weights` (read with weights_only=True: data, no code)."""
    model = Net()
    model.load_state_dict(torch.load(weights, map_location=device, weights_only=True))
    return model.to(device)


def predict(x, weights=WEIGHTS):
    """The network's predictions for raw inputs `x` of shape (N, *INPUT_SHAPE), as numpy."""
    model = load_model(weights).eval()
    with torch.no_grad():
        x = network_inputs(torch.as_tensor(np.asarray(x, dtype=np.float32)))
        return raw_outputs(model(x)).numpy()


def load_data(path=DATA):
    """Raw inputs and labels from an .npz file holding x_train, y_train, x_test and y_test,
    as the network takes and learns them."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: torch.as_tensor(data[name]) for name in
                  ("x_train", "y_train", "x_test", "y_test")}
    for split in ("train", "test"):
        arrays[f"x_{split}"] = network_inputs(arrays[f"x_{split}"].float())
        arrays[f"y_{split}"] = network_targets(arrays[f"y_{split}"])
    return arrays


@torch.no_grad()
def evaluate(model, x, labels, chunk=4096):
    """Mean loss and accuracy (None for regression) of `model` on inputs `x` with `labels`."""
    if len(x) == 0:
        return None, None
    device = next(model.parameters()).device
    model.eval()
    fields = torch.cat([model(part.to(device), field=True) for part in x.split(chunk)]).cpu()
    model.train()
    return float(loss_per_sample(fields, targets(labels)).mean()), accuracy(fields, labels)


def train(epochs=SETTINGS["epochs"], weights=WEIGHTS, data=DATA, save=None, log=print):
    """Continue training from `weights` with the project's settings; returns each epoch's loss.
    The trained weights are written to `save` only when it is given (the same path as
    `weights` replaces them). The optimiser starts afresh: the playground's momentum or Adam
    state is not exported.

    Run by torchrun (which sets WORLD_SIZE, RANK and LOCAL_RANK), every process trains on its
    share of each epoch's samples and DistributedDataParallel averages their gradients: each
    update then uses batch_size samples per process.
    """
    distributed = "WORLD_SIZE" in os.environ
    if distributed:
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend)
        rank, world = dist.get_rank(), dist.get_world_size()
        device = torch.device("cpu")
        if backend == "nccl":  # one GPU per process: this process's own
            device = torch.device("cuda", int(os.environ["LOCAL_RANK"]))
            torch.cuda.set_device(device)
    else:
        rank, world = 0, 1
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(SETTINGS["seed"] + rank)  # dropout masks
    arrays = load_data(data)
    model = load_model(weights, device)
    net = DistributedDataParallel(model, device_ids=[device] if device.type == "cuda" else None
                                  ) if distributed else model
    optimizer = make_optimizer(net.parameters())
    if rank == 0 and SETTINGS["optimizer"] != "sgd":
        log(f"note: a fresh {SETTINGS['optimizer']} optimiser: its state in the playground is "
            "not exported, so the first updates differ from training on in the app")
    train_set = TensorDataset(arrays["x_train"], targets(arrays["y_train"]))
    sampler = DistributedSampler(train_set, num_replicas=world, rank=rank, shuffle=True,
                                 seed=SETTINGS["seed"])
    loader = DataLoader(train_set, batch_size=SETTINGS["batch_size"] or len(train_set),
                        sampler=sampler)
    losses = []
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        total = torch.zeros(2, device=device)  # summed loss, samples
        for x, t in loader:
            x, t = x.to(device), t.to(device)
            optimizer.zero_grad()
            loss = loss_per_sample(net(x, field=True), t).mean()
            total[0] += loss.detach() * len(x)
            total[1] += len(x)
            (loss + penalty(model)).backward()
            optimizer.step()
        if distributed:
            dist.all_reduce(total)
        losses.append(float(total[0] / total[1]))
        if rank == 0:
            log(f"epoch {epoch + 1}/{epochs}  train loss {losses[-1]:.6g}")
    if rank == 0:
        for split in ("train", "test"):
            loss, acc = evaluate(model, arrays[f"x_{split}"], arrays[f"y_{split}"])
            if loss is not None:
                log(f"{split} loss {loss:.6g}" + ("" if acc is None else f", accuracy {acc:.4f}"))
        if save:
            target = Path(save)
            temporary = target.with_name(f".{target.name}.tmp")
            torch.save(model.state_dict(), temporary)
            os.replace(temporary, target)
            log(f"saved the weights to {target}")
        else:
            log(f"the trained weights were not saved; --save FILE keeps them ({weights} "
                "is left as it was)")
    if distributed:
        dist.barrier()
        dist.destroy_process_group()
    return losses


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("predict", help="predict the outputs of inputs in a .npy file")
    shape = ", ".join(map(str, INPUT_SHAPE))
    run.add_argument("inputs", help=f"a .npy array of inputs, shape (N, {shape})")
    run.add_argument("--out", help="write the predictions to this .npy file (default: print)")
    run.add_argument("--weights", default=WEIGHTS, help="weights file (default: %(default)s)")
    fit = commands.add_parser("train", help="continue training with the project's settings "
                                            "(under torchrun: on several processes)")
    fit.add_argument("--epochs", type=int, default=SETTINGS["epochs"],
                     help="epochs to train (default: %(default)s)")
    fit.add_argument("--data", default=DATA, help=".npz with x_train, y_train, x_test, y_test "
                                                  "(default: %(default)s)")
    fit.add_argument("--weights", default=WEIGHTS, help="start from these weights "
                                                        "(default: %(default)s)")
    fit.add_argument("--save", help="write the trained weights here (default: not saved; "
                                    "give the --weights file to replace it)")
    args = parser.parse_args()
    if args.command == "predict":
        y = predict(np.load(args.inputs, allow_pickle=False), args.weights)
        if args.out:
            np.save(args.out, y)
        else:
            np.savetxt(sys.stdout, y.reshape(len(y), -1), fmt="%.6g")
    else:
        train(args.epochs, args.weights, args.data, args.save)


if __name__ == "__main__":
    main()
'''
