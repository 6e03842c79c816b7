"""The training engine: plain Python, no Qt. A GUI worker or the CLI drives it step by step.

`train_step()` does one update; between any two calls the driver may pause, change the
learning rate or stop. `run()` is a generator yielding a `Snapshot` after every epoch.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
from torch import Tensor

from playground.core.datafit import check_fit
from playground.core.datasets import Dataset
from playground.core.graph import require_valid
from playground.core.heads import Head
from playground.core.image_probes import evaluating
from playground.core.model import PlaygroundNet, UnitLayer, build_model
from playground.core.spec import NetworkSpec
from playground.core.training.config import LIVE_SETTINGS, TrainConfig, TrainConfigError
from playground.core.training.history import History, thinning_note
from playground.core.training.runtime import configure_threads, resolve_device
from playground.core.training.snapshots import EpochRecord, Snapshot

EVAL_CHUNK = 4096  # samples per forward pass when evaluating a whole split
EXPLOSION_FACTOR = 100.0  # an epoch's loss this many times the initial one counts as diverged
# The curves evaluate both splits at an epoch's end on at most this many samples of each
# (a fixed choice drawn from the seed), so that a big data set costs no more than a small one;
# so do live frames' figures (which say so). A pause, a step, the end of a run, `eval` and
# metrics.json evaluate every sample.
CURVE_SAMPLES = 2000
# Evaluating while training runs (both splits at an epoch's end for the curves, both for a
# live frame's figures) may take at most this share of the training time...
EVAL_SHARE = 0.05
EVAL_GAP = 0.25  # ...but the curves get a point at least this many training seconds apart
METRICS_MAX_AGE = 1.0  # ...and a live frame's figures are never older than this


class _Checkpoint:
    """All floating-point weights and statistics of a model, copied into one vector."""

    def __init__(self, model: PlaygroundNet):
        state = model.state_dict(keep_vars=True).values()
        self._tensors = [t for t in state if t.is_floating_point()]

    def take(self) -> Tensor:
        return torch.cat([t.detach().reshape(-1) for t in self._tensors])

    def restore(self, flat: Tensor) -> None:
        with torch.no_grad():
            for t, part in zip(self._tensors, flat.split([t.numel() for t in self._tensors]),
                               strict=True):
                t.copy_(part.view_as(t))


class TrainerBase:
    """What every learning rule shares: data on the device, evaluation, history, stopping."""

    def __init__(
        self,
        spec: NetworkSpec,
        dataset: Dataset,
        config: TrainConfig,
        weights: dict[str, np.ndarray] | None = None,
    ):
        require_valid(spec)
        check_fit(spec, dataset)
        self.spec = spec.copy()
        self.dataset = dataset
        self.config = config
        self.head = Head.of(spec)
        torch.manual_seed(config.seed)  # dropout masks follow the seed too
        self.model = build_model(self.spec, config.seed)
        if weights is not None:
            self.model.load_state_arrays(weights)
        params = sum(p.numel() for p in self.model.parameters())
        batch = config.batch_size or len(dataset.x_train)
        self.device = resolve_device(config.device, params * batch)
        self.model.to(self.device)
        self.x_train, self.t_train = self._tensors(dataset.x_train, dataset.y_train)
        self.x_test, self.t_test = self._tensors(dataset.x_test, dataset.y_test)
        self._sizes = batch_sizes(self.spec, self.n_train, self.batch_size)
        choice = torch.Generator().manual_seed(config.seed)
        self._curve_splits = (self._curve_split(self.x_train, self.t_train, choice),
                              self._curve_split(self.x_test, self.t_test, choice))
        bigger = max(len(self.x_train), len(self.x_test)) > CURVE_SAMPLES
        self.curve_subsample = CURVE_SAMPLES if bigger else None  # None: every sample
        self.epoch = 0
        self.step = 0
        self.seconds = 0.0
        self.history = History()  # bounded: older epochs thinned, spikes kept
        self.first_epoch = 0  # where the current run of `epochs` epochs began
        # Batch runs (`train`, `run`, the CLI) always end after `epochs` epochs; an open-ended
        # run (the window's) ends there only when the config's `epoch_limit` is on.
        self.open_ended = False
        self.stop_reason: str | None = None
        self.message = ""
        self._dead: dict[str, int] = {}
        self._output_act = self.model.nodes[self.model.output_id].act
        self._eval_seconds = 0.0
        self._last_test_eval = 0.0  # training seconds at the last test evaluation
        # (training seconds, metrics, whether from the live subsample) of the last evaluation
        self._evaluated: tuple[float, dict[str, float | None], bool] | None = None
        # How many evaluations snapshots have made, and the classes the last one predicted
        # for the probe split (the test split, or the training split without one): the
        # confusion matrix is counted from them.
        self.evaluations = 0
        self._probe_classes: Tensor | None = None

    def _tensors(self, x: np.ndarray, labels: np.ndarray) -> tuple[Tensor, Tensor]:
        targets = self.head.targets(labels)
        return (torch.as_tensor(x, device=self.device),
                torch.as_tensor(targets, device=self.device))

    def _curve_split(self, x: Tensor, t: Tensor, choice: torch.Generator
                     ) -> tuple[Tensor, Tensor]:
        """The split, or a fixed random CURVE_SAMPLES of it, that the curves evaluate."""
        if len(x) <= CURVE_SAMPLES:
            return x, t
        index = torch.randperm(len(x), generator=choice)[:CURVE_SAMPLES].sort().values
        index = index.to(self.device)
        return x[index], t[index]

    @property
    def stopped(self) -> bool:
        return self.stop_reason is not None

    @property
    def n_train(self) -> int:
        return len(self.x_train)

    @property
    def batch_size(self) -> int:
        size = self.config.batch_size or self.n_train
        return min(size, self.n_train)

    # ---- driving --------------------------------------------------------------------------
    def train_step(self) -> bool:
        """One update; True when it finished an epoch."""
        raise NotImplementedError

    def train_for(self, seconds: float) -> bool:
        """Steps for up to `seconds`, stopping early at an epoch's end; True if one ended.
        (A driver's time slice; a compiled engine fits whole epochs into it.)"""
        until = time.perf_counter() + seconds
        while not self.stopped:
            if self.train_step():
                return True
            if time.perf_counter() >= until:
                break
        return False

    def run(self, snapshot_interval: float = 0.0) -> Iterator[Snapshot]:
        """Train until a stopping criterion holds.

        Yields a snapshot after an epoch once `snapshot_interval` seconds have passed since
        the previous one (0: after every epoch), and always a last one when training stops.
        """
        last = time.monotonic()
        while not self.stopped:
            if self.train_step() and (self.stopped or
                                      time.monotonic() - last >= snapshot_interval):
                last = time.monotonic()
                yield self.snapshot()

    def train(self) -> Snapshot:
        """Run to the end and return the last snapshot."""
        final = None
        for final in self.run(snapshot_interval=math.inf):  # noqa: B007 - keep the last one
            pass
        return final or self.snapshot()

    def stop(self, reason: str, message: str) -> None:
        self.stop_reason, self.message = reason, message

    def resume(self) -> None:
        """Carry on after a stop: another `epochs` epochs from here (a GUI's play button)."""
        self.stop_reason, self.message = None, ""
        self.first_epoch = self.epoch

    def count_from(self, epoch: int) -> None:
        """Number the epochs on from `epoch`, those the loaded weights were trained for."""
        self.epoch = self.first_epoch = epoch

    @property
    def epochs_left(self) -> int:
        return self.first_epoch + self.config.epochs - self.epoch

    @property
    def limit_reached(self) -> bool:
        """Whether this run has trained its `epochs` epochs and that ends it."""
        return self.epochs_left <= 0 and (self.config.epoch_limit or not self.open_ended)

    def set_live(self, **changes: Any) -> None:
        """Change settings that may change mid-run: the learning rate, the penalty, and the
        stopping criteria."""
        if set(changes) - set(LIVE_SETTINGS):
            raise ValueError(f"only {', '.join(LIVE_SETTINGS)} can change while training")
        self.config = self.config.replace(**changes)

    # ---- evaluation -----------------------------------------------------------------------
    def evaluate(self, subsample: bool = False) -> dict[str, float | None]:
        """Loss and accuracy on both splits for the current weights (counts dead units);
        with `subsample`, on the curves' fixed subsample of each big split."""
        (x_train, t_train), (x_test, t_test) = self._curve_splits if subsample else \
            ((self.x_train, self.t_train), (self.x_test, self.t_test))
        train_loss, train_acc, train_classes = self._evaluate_split(x_train, t_train, True)
        test_loss, test_acc, test_classes = self._evaluate_split(x_test, t_test, False)
        if not subsample:
            self._probe_classes = test_classes if len(self.x_test) else train_classes
        return {"train_loss": train_loss, "test_loss": test_loss,
                "train_accuracy": train_acc, "test_accuracy": test_acc}

    @torch.no_grad()
    def _evaluate_split(self, x: Tensor, t: Tensor, count_dead: bool
                        ) -> tuple[float | None, float | None, Tensor | None]:
        """Mean loss, accuracy and each sample's predicted class (None where the network
        does not classify)."""
        if len(x) == 0:
            return None, None, None
        total = 0.0
        classes: list[Tensor] = []
        peak: dict[str, Tensor] = {}
        with evaluating(self.model):
            for start in range(0, len(x), EVAL_CHUNK):
                values = self.model.trace(x[start:start + EVAL_CHUNK])
                field = values[self.model.output_id]
                pred = self._output_act(field)
                target = t[start:start + EVAL_CHUNK]
                total += float(self.head.loss_per_sample(field, target, self._output_act).sum())
                if self.head.classifies:
                    classes.append(self.head.classes(pred))
                if count_dead:
                    self._track_peaks(values, peak)
        if count_dead:
            self._dead = {node: int((p <= 0).sum()) for node, p in peak.items()}
        if not classes:
            return total / len(x), None, None
        predicted = torch.cat(classes)
        accuracy = float((predicted == self._labels(t)).float().mean())
        return total / len(x), accuracy, predicted

    def _labels(self, target: Tensor) -> Tensor:
        if self.head.loss == "cross_entropy":
            return target
        if self.head.task == "binary":
            return (target[:, 0] > 0).long()
        return target.argmax(dim=-1)

    def _track_peaks(self, values: dict[str, Tensor], peak: dict[str, Tensor]) -> None:
        """Largest output of each ReLU unit over the samples: a unit never above 0 is dead."""
        for node, module in self.model.nodes.items():
            if isinstance(module, UnitLayer) and module.act.name == "relu" \
                    and node != self.model.output_id:
                v = values[node]
                unit_max = v.transpose(0, 1).reshape(v.shape[1], -1).amax(dim=1)
                peak[node] = unit_max if node not in peak else torch.maximum(peak[node], unit_max)

    def grad_norms(self) -> dict[str, float]:
        """‖∂𝓔/∂w‖ per node, from the latest update."""
        norms = {}
        for node, module in self.model.nodes.items():
            params = list(module.parameters())
            if params:
                norms[node] = math.sqrt(sum(_squares(p.grad)
                                            for p in params if p.grad is not None))
        return norms

    def _close_epoch(self, batch_loss: float | None = None, mistakes: int | None = None,
                     force_test: bool = False) -> EpochRecord:
        """Append the epoch's record: train and test metrics at the same weights, evaluated
        the same way (on the curves' subsample), and the running mean of the batch losses.

        Both splits are evaluated in the first and the last epoch of a run, while that costs
        at most EVAL_SHARE of the training time, at least every EVAL_GAP seconds of training,
        and always with `force_test`; other epochs record only the batch losses' mean.
        """
        train_loss = test_loss = train_acc = test_acc = None
        due = self.seconds - self._last_test_eval >= EVAL_GAP
        ends = self.epoch == self.first_epoch + 1 or self.limit_reached
        if force_test or due or ends or self._affordable():
            self._last_test_eval = self.seconds
            started = time.perf_counter()
            (x_train, t_train), (x_test, t_test) = self._curve_splits
            train_loss, train_acc, _ = self._evaluate_split(x_train, t_train, False)
            test_loss, test_acc, _ = self._evaluate_split(x_test, t_test, False)
            self._eval_seconds += time.perf_counter() - started
        record = EpochRecord(self.epoch, self.step, train_loss, test_loss, train_acc, test_acc,
                             self.seconds, mistakes, batch_loss, self.curve_subsample)
        self.history.append(record)
        return record

    def _affordable(self) -> bool:
        """Whether evaluating while training runs has so far stayed within EVAL_SHARE."""
        return self._eval_seconds <= EVAL_SHARE * self.seconds

    def snapshot(self, reuse_within: float = 0.0) -> Snapshot:
        """The state now as plain numbers, with loss and accuracy evaluated exactly on both
        splits.

        A live frame passes `reuse_within` > 0: it gets the last evaluation's figures again
        until they are that many training seconds old, and after that too while evaluating
        would take more than EVAL_SHARE of the training time, up to METRICS_MAX_AGE (for a
        CNN on digits, evaluating both splits costs as much as six training steps).
        """
        subsample = reuse_within > 0 and self.curve_subsample is not None
        if self._metrics_due(reuse_within):
            started = time.perf_counter()
            self._evaluated = (self.seconds, self.evaluate(subsample), subsample)
            if not subsample:  # the confusion matrix follows exact evaluations
                self.evaluations += 1
            if reuse_within > 0:
                self._eval_seconds += time.perf_counter() - started
        m = self._evaluated[1]
        subsample_size = (self.curve_subsample or 0) if self._evaluated[2] else 0
        mistakes = self.history[-1].mistakes if self.history else None
        record = EpochRecord(self.epoch, self.step, m["train_loss"], m["test_loss"],
                             m["train_accuracy"], m["test_accuracy"], self.seconds, mistakes)
        return Snapshot(record, self.grad_norms(), dict(self._dead), self.stop_reason,
                        self.message, subsample_size)

    def _metrics_due(self, reuse_within: float) -> bool:
        if self._evaluated is None or reuse_within <= 0:
            return True
        age = self.seconds - self._evaluated[0]
        return age >= reuse_within and (self._affordable() or age >= METRICS_MAX_AGE)

    def probe_classes(self) -> np.ndarray | None:
        """The classes predicted for the probe split (the test split, or the training split
        without one) at the last snapshot's evaluation; None where the network does not
        classify."""
        if self._probe_classes is None:  # only live subsample evaluations so far
            x, t = (self.x_test, self.t_test) if len(self.x_test) else (self.x_train,
                                                                         self.t_train)
            self._probe_classes = self._evaluate_split(x, t, False)[2]
        classes = self._probe_classes
        return None if classes is None else classes.cpu().numpy().astype(np.int64)

    def metrics(self) -> dict[str, Any]:
        """Final figures for metrics.json: exact metrics now, the stop reason, the history (with
        `history_kept` saying what it holds where a long run's older epochs were thinned)."""
        now = self.snapshot().record
        note = thinning_note(self.history)
        return {
            "train_loss": now.train_loss,
            "test_loss": now.test_loss,
            "train_accuracy": now.train_accuracy,
            "test_accuracy": now.test_accuracy,
            "epochs": self.epoch,
            "steps": self.step,
            "train_seconds": round(self.seconds, 3),
            "stop_reason": self.stop_reason,
            "message": self.message,
            "history": [r.to_dict() for r in self.history],
        } | ({"history_kept": note} if note else {})

    def weights(self) -> dict[str, np.ndarray]:
        return self.model.state_arrays()

    # ---- what the live views draw ----------------------------------------------------------
    @property
    def structure(self) -> PlaygroundNet:
        """The model for its nodes, order and wiring (its weights may lag behind a compiled
        engine's: use `model` for those)."""
        return self.model

    @torch.no_grad()
    def layer_outputs(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """φ(v) of the Output node and of every hidden Dense-like node (2-D outputs) for
        the rows of `x`, as float32 numpy arrays (units × samples)."""
        model = self.model
        with evaluating(model):
            values = model.trace(torch.as_tensor(x, device=self.device))
        outputs = {}
        for node, module in model.nodes.items():
            value = values[node]
            if node == model.output_id:
                value = module.act(value)
            elif not isinstance(module, UnitLayer) or value.dim() != 2:
                continue
            outputs[node] = value.T.cpu().numpy().astype(np.float32)
        return outputs

    def dense_weights(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Weight matrices (out × in) and biases of every Dense and Output node, as copies."""
        weights, biases = {}, {}
        for node, module in self.model.nodes.items():
            if isinstance(module, UnitLayer) and isinstance(module.transform, torch.nn.Linear):
                weights[node] = module.transform.weight.detach().cpu().numpy().copy()
                if module.transform.bias is not None:
                    biases[node] = module.transform.bias.detach().cpu().numpy().copy()
        return weights, biases


def batch_sizes(spec: NetworkSpec, n_train: int, batch_size: int) -> list[int]:
    """The sizes of an epoch's batches. BatchNorm normalises over a batch, so it needs two
    samples or more: a last batch of one joins the batch before it, and a batch size of one
    (online training) is refused with the fix."""
    batches = math.ceil(n_train / batch_size)
    sizes = [batch_size] * (batches - 1) + [n_train - batch_size * (batches - 1)]
    norms = spec.of_kind("BatchNorm")
    if not norms:
        return sizes
    if batch_size < 2:
        what = "online training (batch size 1)" if n_train > 1 else \
            "a training split of a single sample"
        raise TrainConfigError(f"{norms[0].name} normalises over each batch and needs at least "
                               f"2 samples per batch, which {what} never has; set the batch "
                               "size to 2 or more, or remove the BatchNorm layer")
    return [*sizes[:-2], sizes[-2] + 1] if sizes[-1] == 1 else sizes


class Trainer(TrainerBase):
    """Backpropagation with SGD, SGD with momentum α, or Adam, on mini-batches."""

    def __init__(self, spec: NetworkSpec, dataset: Dataset, config: TrainConfig,
                 weights: dict[str, np.ndarray] | None = None, reserve_core: bool = False):
        super().__init__(spec, dataset, config, weights)
        self.threads = configure_threads(sum(p.numel() for p in self.model.parameters()),
                                         self.batch_size, reserve_core)
        self.optimizer = self._make_optimizer()
        self._penalised = [p for p in self.model.parameters() if p.dim() >= 2]
        self._order = torch.Generator().manual_seed(config.seed)
        self._batches: list[Tensor] = []
        self._losses: list[Tensor] = []  # this epoch's batch losses, summed once at its end
        self._loss_weights = torch.tensor(self._sizes, dtype=torch.float32, device=self.device)
        self._loss_weights /= self.n_train
        self._saver = _Checkpoint(self.model)
        self._checkpoint = self._saver.take()
        self._best: tuple[float, int, Tensor] | None = None
        # An epoch whose loss is a hundred times the initial one has diverged, NaN or not.
        self._initial_loss = self._evaluate_split(self.x_train, self.t_train, False)[0] or 0.0
        self._explosion_limit = EXPLOSION_FACTOR * max(self._initial_loss, 0.1)

    def _make_optimizer(self) -> torch.optim.Optimizer:
        c, params = self.config, self.model.parameters()
        if c.optimizer == "adam":
            return torch.optim.Adam(params, lr=c.learning_rate)
        momentum = c.momentum if c.optimizer == "momentum" else 0.0
        return torch.optim.SGD(params, lr=c.learning_rate, momentum=momentum)

    def set_live(self, **changes: Any) -> None:
        super().set_live(**changes)
        for group in self.optimizer.param_groups:
            group["lr"] = self.config.learning_rate

    def _penalty(self) -> Tensor:
        rate = self.config.regularization_rate
        if self.config.regularization == "l1":
            return rate * sum(p.abs().sum() for p in self._penalised)
        return rate * 0.5 * sum((p ** 2).sum() for p in self._penalised)

    def train_step(self) -> bool:
        if self.stopped:
            return False
        started = time.perf_counter()
        if not self._batches:
            order = torch.randperm(self.n_train, generator=self._order).to(self.device)
            self._batches = list(order.split(self._sizes))[::-1]
        index = self._batches.pop()
        self.optimizer.zero_grad(set_to_none=True)
        field = self.model.output_field(self.x_train[index])
        loss = self.head.mean_loss(field, self.t_train[index], self._output_act)
        self._losses.append(loss.detach())
        if self.config.regularization != "none" and self.config.regularization_rate:
            loss = loss + self._penalty()
        loss.backward()
        self.optimizer.step()
        self.step += 1
        self.seconds += time.perf_counter() - started
        if self._batches:
            return False
        self._finish_epoch()
        return True

    def _finish_epoch(self) -> None:
        """Check for divergence, record the epoch, then test the stopping criteria."""
        self.epoch += 1
        mean_loss = float(torch.stack(self._losses) @ self._loss_weights)
        self._losses.clear()
        state = self._saver.take()
        if not (math.isfinite(mean_loss) and bool(torch.isfinite(state).all())):
            self._diverge("became infinite or NaN")
            return
        if mean_loss > self._explosion_limit:
            self._diverge(f"jumped to {mean_loss:.3g} (it started at {self._initial_loss:.3g})")
            return
        self._checkpoint = state
        previous = self.history[-1] if self.history else None
        record = self._close_epoch(mean_loss,
                                   force_test=bool(self.config.early_stopping_patience))
        self._check_stopping(record, previous)

    def _diverge(self, what: str) -> None:
        """Go back to the last sound epoch and say what to change."""
        self._saver.restore(self._checkpoint)
        self.optimizer = self._make_optimizer()  # momentum buffers may hold inf/NaN
        self.epoch -= 1
        c = self.config
        advice = f"lower the learning rate (now {c.learning_rate:g}; try {c.learning_rate / 10:g})"
        if c.optimizer == "momentum" and c.momentum > 0.5:
            advice += f", or the momentum α (now {c.momentum:g})"
        if c.regularization != "none" and c.regularization_rate > 0.1:
            advice += f", or the regularisation rate (now {c.regularization_rate:g})"
        self.stop("diverged", f"The loss {what} in epoch {self.epoch + 1}: training diverged. "
                              f"The weights are kept from epoch {self.epoch}, the last sound "
                              f"one. To fix it, {advice}.")

    def _check_stopping(self, record: EpochRecord, previous: EpochRecord | None) -> None:
        c = self.config
        if c.early_stopping_patience and record.test_loss is not None:
            self._early_stopping(record.test_loss)
        if self.stopped:
            return
        if c.grad_norm_threshold:
            norm = self._full_gradient_norm()
            if norm < c.grad_norm_threshold:
                self.stop("grad_norm", f"The gradient norm {norm:.3g} fell below "
                                       f"{c.grad_norm_threshold:g}: a (local) minimum is near.")
                return
        if c.loss_change_threshold and previous is not None:  # 𝓔̄ of the epoch's batches
            change = abs(record.batch_loss - previous.batch_loss)
            if change < c.loss_change_threshold:
                self.stop("loss_plateau", f"The training loss changed by only {change:.3g} "
                                          f"(below {c.loss_change_threshold:g}) in one epoch.")
                return
        if self.limit_reached:
            self.stop("max_epochs", f"Stopped at epoch {self.epoch:,}: the limit of "
                                    f"{_epochs(c.epochs)} a run was reached"
                                    + (f" (this run began at epoch {self.first_epoch:,})."
                                       if self.first_epoch else "."))

    def resume(self) -> None:
        """Carry on after a stop; early stopping's patience counts afresh from here, so
        Play after an early stop trains on rather than rolling back once more."""
        super().resume()
        self._best = None

    def _early_stopping(self, test_loss: float) -> None:
        if self._best is None or test_loss < self._best[0]:
            self._best = (test_loss, self.epoch, self._saver.take())
            return
        best_loss, best_epoch, state = self._best
        if self.epoch - best_epoch >= self.config.early_stopping_patience:
            self._saver.restore(state)
            self.stop("early_stopping", f"The test loss has not improved for "
                                        f"{self.epoch - best_epoch} epochs; the weights are "
                                        f"restored to epoch {best_epoch} (test loss "
                                        f"{best_loss:.4g}).")

    def _full_gradient_norm(self) -> float:
        """‖∇𝓔̄‖ over the whole training set (the lecture's gradient stopping criterion).

        A check only: it runs in evaluation mode (no dropout mask drawn from the random
        generator, BatchNorm's running statistics untouched) and sums the gradient apart
        from the parameters' own, so the run goes on exactly as without it.
        """
        params = [p for p in self.model.parameters() if p.requires_grad]
        total = [torch.zeros_like(p) for p in params]
        with evaluating(self.model):
            for start in range(0, self.n_train, EVAL_CHUNK):
                field = self.model.output_field(self.x_train[start:start + EVAL_CHUNK])
                loss = self.head.loss_per_sample(field, self.t_train[start:start + EVAL_CHUNK],
                                                 self._output_act).sum() / self.n_train
                grads = torch.autograd.grad(loss, params, allow_unused=True)
                for sum_, grad in zip(total, grads, strict=True):
                    if grad is not None:
                        sum_ += grad
        return math.sqrt(sum(_squares(g) for g in total))


def _epochs(count: int) -> str:
    return f"{count:,} epoch{'' if count == 1 else 's'}"


def _squares(tensor: Tensor) -> float:
    """Σ x², summed in float64 on the CPU (MPS has no float64)."""
    return float((tensor.detach().to("cpu", torch.float64) ** 2).sum())
