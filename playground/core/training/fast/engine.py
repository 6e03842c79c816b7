"""`FastTrainer`: the PyTorch engine's `Trainer`, with its updates run by compiled kernels.

It keeps the torch model, the optimizer's settings, the history and every message of the
PyTorch engine; only the work of an epoch moves into `kernels.run`, many epochs per call.
The model is brought up to date from the flat buffer whenever anything looks at it, so
evaluation, snapshots, probes, weights and exports are the PyTorch engine's own.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import numpy as np
import torch

from playground.core.datasets import Dataset
from playground.core.model import PlaygroundNet
from playground.core.spec import NetworkSpec
from playground.core.training.config import TrainConfig
from playground.core.training.engine import Trainer
from playground.core.training.fast import kernels as k
from playground.core.training.fast.layout import chain_table, split_arrays
from playground.core.training.snapshots import EpochRecord, Snapshot

CHUNK_SECONDS = 0.005  # training time per kernel call when no snapshot is due sooner
_NO_LIMIT = 2**62


class _KernelOptimizer:
    """Where `Trainer` keeps its torch optimizer: the kernels hold the state, and creating a
    torch optimizer would import torch's compiler stack (seconds in a fresh process)."""

    def __init__(self, learning_rate: float):
        self.param_groups = [{"lr": learning_rate}]
        self.state: dict = {}


class FastTrainer(Trainer):
    """Backpropagation on a chain of Dense layers, compiled; the same results as `Trainer`."""

    engine = "fast"

    def __init__(self, spec: NetworkSpec, dataset: Dataset, config: TrainConfig,
                 weights: dict[str, np.ndarray] | None = None, reserve_core: bool = False):
        super().__init__(spec, dataset, config, weights, reserve_core)
        self._attach()

    @classmethod
    def take_over(cls, trainer: Trainer) -> FastTrainer:
        """Carry on a PyTorch-engine run from its state at an epoch's end."""
        if trainer._batches:
            raise ValueError("the engine can change only between epochs")
        fast = cls.__new__(cls)
        fast.__dict__.update(trainer.__dict__)
        fast._attach()
        return fast

    def _attach(self) -> None:
        """Build the flat buffers from the model, the optimizer state and the run's state."""
        if "model" in self.__dict__:
            self._model = self.__dict__.pop("model")
        self._stale_model = False  # the model is behind the flat buffer
        self._handed_out = False  # the model was looked at, and may have been edited
        self._meta, self._is_weight = chain_table(self._model)
        self._w = self._saver.take().numpy().copy()
        self._grad = np.zeros(len(self._w))
        self._m1, self._m2 = np.zeros_like(self._w), np.zeros_like(self._w)
        self._ints = np.zeros(8, dtype=np.int64)
        self._take_optimizer_state()
        self._ckpt = self._checkpoint.cpu().numpy().copy()
        self._best_w = np.zeros_like(self._w)
        self._best_figures = np.array([math.inf, -1.0])
        if self._best is not None:
            self._best_figures[:] = self._best[0], self._best[1]
            self._best_w[:] = self._best[2].cpu().numpy()
        self._scratch = np.zeros(len(self._w))  # the full gradient of a stopping check
        self._train_arrays = split_arrays(self.x_train, self.t_train)
        # what the curves evaluate at an epoch's end (a seeded subsample of a big split)
        self._curve_arrays = [split_arrays(x, t) for x, t in self._curve_splits]
        self._perm: np.ndarray | None = None  # the order of the epoch under way
        self._pos = 0  # samples of it already trained on
        self._loss_sum = 0.0
        self._last_norm = math.nan
        self._epoch_seconds = 0.0  # measured cost of an epoch

    def _make_optimizer(self) -> _KernelOptimizer:
        return _KernelOptimizer(self.config.learning_rate)

    def _take_optimizer_state(self) -> None:
        """Momentum buffers or Adam's moments (and its step count) from the optimizer."""
        state = self.optimizer.state
        start = 0
        for p in self._model.parameters():
            size = p.numel()
            s = state.get(p, {})
            first, second = s.get("momentum_buffer", s.get("exp_avg")), s.get("exp_avg_sq")
            if first is not None:
                self._m1[start:start + size] = first.detach().reshape(-1).cpu().numpy()
            if second is not None:
                self._m2[start:start + size] = second.detach().reshape(-1).cpu().numpy()
            if "step" in s:
                self._ints[k.I_ADAM_STEP] = int(s["step"])
            start += size
        self.optimizer = self._make_optimizer()

    # ---- the model, always up to date when looked at ----------------------------------------
    @property
    def model(self) -> PlaygroundNet:
        if getattr(self, "_stale_model", False):
            self._saver.restore(torch.from_numpy(self._w))
            self._stale_model = False
        self._handed_out = True
        return self._model

    @model.setter
    def model(self, model: PlaygroundNet) -> None:
        self._model = model

    def _pull_model(self) -> None:
        """Take back weights someone may have set on the model (a hand-made edit)."""
        if self._handed_out and not self._stale_model:
            self._w[:] = self._saver.take().numpy()
        self._handed_out = False

    # ---- what the live views draw, from the flat buffer (the model is not brought up to date)
    @property
    def structure(self) -> PlaygroundNet:
        return self._model

    @torch.no_grad()
    def layer_outputs(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """φ(v) of every layer for the rows of `x`, (units × samples): the fields v with numpy
        from the flat buffer, φ the model's own (0.4 ms for 10,000 points through 2-4-2-1,
        where running the model takes 1 ms and a compiled per-sample loop 2 ms)."""
        weights, biases = self._layers()
        y = np.ascontiguousarray(np.asarray(x, dtype=np.float32).T)
        outputs = {}
        for node in self._model.order:
            v = weights[node] @ y
            if node in biases:
                v += biases[node][:, None]
            # φ over samples × units, as the model applies it (softmax along the units)
            act = self._model.nodes[node].act
            y = outputs[node] = act(torch.from_numpy(v).T).numpy().T
        return outputs

    def dense_weights(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        weights, biases = self._layers()
        return ({node: w.copy() for node, w in weights.items()},
                {node: b.copy() for node, b in biases.items()})

    def _layers(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Each layer's weight matrix (out × in) and bias, as views into the flat buffer."""
        self._pull_model()
        weights, biases = {}, {}
        for node, row in zip(self._model.order, self._meta, strict=True):
            n_in, n_out, start, bias = (int(row[i]) for i in (k.N_IN, k.N_OUT, k.W_OFF, k.B_OFF))
            weights[node] = self._w[start:start + n_in * n_out].reshape(n_out, n_in)
            if bias >= 0:
                biases[node] = self._w[bias:bias + n_out]
        return weights, biases

    # ---- driving --------------------------------------------------------------------------
    def train_step(self) -> bool:
        """One update; True when it finished an epoch."""
        if self.stopped:
            return False
        epochs = len(self.history)
        return self._advance(1, 1) or len(self.history) > epochs

    def train_for(self, seconds: float) -> bool:
        """Whole epochs for about `seconds` of training (at least one, or the rest of one);
        True when an epoch ended."""
        if self.stopped:
            return False
        epochs = 1
        if self._epoch_seconds > 0:
            epochs = max(1, int(seconds / self._epoch_seconds))
        if self.config.epoch_limit or not self.open_ended:  # the run ends at its epochs
            epochs = min(epochs, self.epochs_left)
        before = self.epoch
        diverged = self._advance(_NO_LIMIT, max(1, epochs))
        return diverged or self.epoch > before

    def run(self, snapshot_interval: float = 0.0) -> Iterator[Snapshot]:
        last = time.monotonic()
        while not self.stopped:
            wait = snapshot_interval - (time.monotonic() - last)
            self.train_for(min(max(wait, 0.0), CHUNK_SECONDS))
            if self.stopped or time.monotonic() - last >= snapshot_interval:
                last = time.monotonic()
                yield self.snapshot()

    def _advance(self, max_batches: int, max_epochs: int) -> bool:
        """Run the kernel; True when an epoch ended in divergence."""
        started = time.perf_counter()
        self._pull_model()
        before = self._order.get_state()
        perms = self._orders(max_epochs)
        drawn = max_epochs - (1 if self._pos else 0)
        self._set_codes()
        out = np.full((5, max_epochs), math.nan)
        result = np.array([0.0, 0.0, self._pos, self._loss_sum, 0.0, math.nan])
        k.run(self._w, self._grad, self._scratch, self._m1, self._m2, self._ckpt, self._best_w,
              self._meta, self._is_weight, *self._train_arrays, *self._curve_arrays[0],
              *self._curve_arrays[1], perms, self.batch_size, max_batches, self._hyper(),
              self._ints, self._best_figures, out, result)
        spent = time.perf_counter() - started
        self._stale_model = True
        batches, epochs, status = (int(result[i]) for i in (k.R_BATCHES, k.R_EPOCHS,
                                                              k.R_STATUS))
        diverged = status in (k.NOT_FINITE, k.EXPLODED)
        started_epochs = epochs + int(result[k.R_POS] > 0) + int(diverged)
        self._give_back_orders(before, drawn, max_epochs - started_epochs)
        steps_first = math.ceil((self.n_train - self._pos) / self.batch_size)
        self._pos, self._loss_sum = int(result[k.R_POS]), float(result[k.R_LOSS_SUM])
        self._perm = perms[epochs] if self._pos else None
        self._last_norm = float(result[k.R_VALUE])
        if epochs and not diverged:
            self._epoch_seconds = spent / epochs
        self._record(out, epochs, steps_first, self.step, self.seconds, spent, batches)
        self.step += batches
        self.seconds += spent
        if diverged:
            self._restore_after_divergence(status, float(result[k.R_VALUE]))
        elif epochs:
            self._check_stopping(self.history[-1],
                                 self.history[-2] if len(self.history) > 1 else None)
        return diverged

    def _orders(self, epochs: int) -> np.ndarray:
        """The sample order of each epoch to come, drawn as the PyTorch engine draws them
        (the first one is the order of the epoch under way, if one is)."""
        perms = np.empty((epochs, self.n_train), dtype=np.int64)
        start = 0
        if self._pos:
            perms[0], start = self._perm, 1
        for row in perms[start:]:
            row[:] = torch.randperm(self.n_train, generator=self._order).numpy()
        return perms

    def _give_back_orders(self, before: torch.Tensor, drawn: int, unused: int) -> None:
        """Rewind the generator over orders drawn for epochs the kernel did not start."""
        if unused <= 0:
            return
        self._order.set_state(before)
        for _ in range(drawn - unused):
            torch.randperm(self.n_train, generator=self._order)

    def _set_codes(self) -> None:
        """The settings the kernel reads as whole numbers (it keeps Adam's step count)."""
        c = self.config
        codes = {k.I_OPTIMIZER: k.OPTIMIZER_CODES.index(c.optimizer),
                 k.I_PENALTY: k.PENALTY_CODES.index(c.regularization),
                 k.I_LOSS: k.LOSS_CODES.index(self.head.loss),
                 k.I_PATIENCE: c.early_stopping_patience, k.I_EPOCH: self.epoch,
                 k.I_TASK: k.TASK_CODES.index(self.head.task),
                 k.I_TEST_FIRST: int(self.epoch == self.first_epoch)}
        for index, value in codes.items():
            self._ints[index] = value

    def _hyper(self) -> np.ndarray:
        c = self.config
        previous = self.history[-1].batch_loss if self.history else None
        previous = math.nan if previous is None else previous
        return np.array([c.learning_rate, c.momentum, c.regularization_rate,
                         self._explosion_limit, c.grad_norm_threshold, c.loss_change_threshold,
                         previous, self.head.threshold])

    def _record(self, out: np.ndarray, epochs: int, steps_first: int, step: int,
                seconds: float, spent: float, batches: int) -> None:
        """Append the epochs the kernel finished to the history (times shared out evenly)."""
        per_step = spent / max(batches, 1)
        steps_per_epoch = math.ceil(self.n_train / self.batch_size)
        for e in range(epochs):
            self.epoch += 1
            steps = steps_first + e * steps_per_epoch
            figures = [None if math.isnan(v) else float(v) for v in out[1:, e]]
            train_loss, train_accuracy, test_loss, test_accuracy = figures
            self.history.append(EpochRecord(
                self.epoch, step + steps, train_loss, test_loss, train_accuracy, test_accuracy,
                seconds + steps * per_step, None, float(out[k.OUT_BATCH, e]),
                self.curve_subsample))

    def _restore_after_divergence(self, status: int, loss: float) -> None:
        """The kernel went back to the last sound epoch; say so as the PyTorch engine does."""
        self.epoch += 1  # the epoch that diverged, taken back by `_diverge`
        self._checkpoint = torch.from_numpy(self._ckpt.copy())
        self._stale_model = False
        what = "became infinite or NaN" if status == k.NOT_FINITE else \
            f"jumped to {loss:.3g} (it started at {self._initial_loss:.3g})"
        self._diverge(what)

    def resume(self) -> None:
        super().resume()
        self._best_figures[:] = math.inf, -1.0  # early stopping's patience counts afresh

    def _check_stopping(self, record: EpochRecord, previous: EpochRecord | None) -> None:
        if self._best_figures[1] >= 0:
            self._best = (float(self._best_figures[0]), int(self._best_figures[1]),
                          torch.from_numpy(self._best_w.copy()))
        super()._check_stopping(record, previous)

    def _full_gradient_norm(self) -> float:
        """The kernel measured it at the epoch's end (and left the gradient in place)."""
        return self._last_norm

    def grad_norms(self) -> dict[str, float]:
        """‖∂𝓔/∂w‖ per node, from the latest update."""
        norms = {}
        for node, row in zip(self._model.order, self._meta, strict=True):
            end = row[k.W_OFF] + row[k.N_IN] * row[k.N_OUT] + (row[k.N_OUT]
                                                              if row[k.B_OFF] >= 0 else 0)
            norms[node] = math.sqrt(float(np.sum(self._grad[row[k.W_OFF]:end] ** 2)))
        return norms
