"""Compiled training loops for a chain of Dense layers over one flat weight buffer (numba).

The buffer holds every layer's weight (out × in, row-major) then its bias, in the order of
the model's state_dict, so that it is exactly the vector `_Checkpoint.take()` gives. Weights
and optimizer state are float32 like PyTorch's; each step computes in float64 and rounds
when it stores, which keeps the results within float32 noise of the PyTorch engine.

`run` trains from a position inside an epoch for up to a number of batches or epochs and
does everything an epoch's end needs (divergence guard, test metrics, stopping criteria)
without returning to Python.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# activation codes (the order of ACTIVATION_CODES)
STEP, SIGMOID, TANH, RELU, LEAKY_RELU, LINEAR, SOFTMAX = range(7)
ACTIVATION_CODES = ("step", "sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax")
SQUARED_ERROR, BINARY_CROSS_ENTROPY, CROSS_ENTROPY = range(3)
LOSS_CODES = ("squared_error", "binary_cross_entropy", "cross_entropy")
SGD, MOMENTUM, ADAM = range(3)
OPTIMIZER_CODES = ("sgd", "momentum", "adam")
NO_PENALTY, L1, L2 = range(3)
PENALTY_CODES = ("none", "l1", "l2")
BINARY, MULTICLASS, REGRESSION = range(3)
TASK_CODES = ("binary", "multiclass", "regression")

# columns of the per-layer table `meta`
N_IN, N_OUT, W_OFF, B_OFF, ACT, STE, Y_OFF = range(7)
# entries of `hyper` (float64) and `ints` (int64)
H_LR, H_MOMENTUM, H_RATE, H_LIMIT, H_GRAD_THRESHOLD, H_PLATEAU, H_PREVIOUS, H_THRESHOLD = range(8)
I_OPTIMIZER, I_PENALTY, I_LOSS, I_ADAM_STEP, I_PATIENCE, I_EPOCH, I_TASK, I_TEST_FIRST = range(8)
# entries of `result`
R_BATCHES, R_EPOCHS, R_POS, R_LOSS_SUM, R_STATUS, R_VALUE = range(6)
# rows of `out`: per epoch, the batch losses' mean and the curves' figures
OUT_BATCH, OUT_TRAIN, OUT_TRAIN_ACC, OUT_TEST, OUT_TEST_ACC = range(5)
# stop codes in result[R_STATUS]
GOING, NOT_FINITE, EXPLODED, EARLY_STOPPING, GRAD_NORM, PLATEAU = range(6)
LEAKY_SLOPE = 0.01
ADAM_BETA1, ADAM_BETA2, ADAM_EPS = 0.9, 0.999, 1e-8


@njit(cache=True)
def _phi(code: int, v: float) -> float:
    if code == STEP:
        return 1.0 if v >= 0.0 else 0.0
    if code == SIGMOID:
        return 1.0 / (1.0 + math.exp(-v))
    if code == TANH:  # from exp: a quarter faster than math.tanh, off by < 4e-16
        return 1.0 - 2.0 / (math.exp(2.0 * v) + 1.0)
    if code == RELU:
        return v if v > 0.0 else 0.0
    if code == LEAKY_RELU:
        return v if v > 0.0 else LEAKY_SLOPE * v
    return v


@njit(cache=True)
def _dphi(code: int, ste: int, v: float, y: float) -> float:
    """φ′ as PyTorch's backward takes it (step: 0, or 1 straight-through)."""
    if code == STEP:
        return 1.0 if ste else 0.0
    if code == SIGMOID:
        return y * (1.0 - y)
    if code == TANH:
        return 1.0 - y * y
    if code == RELU:
        return 1.0 if v > 0.0 else 0.0
    if code == LEAKY_RELU:
        return 1.0 if v > 0.0 else LEAKY_SLOPE
    return 1.0


@njit(cache=True)
def _forward(w, meta, x_row, ys, vs):
    """Fields v and outputs y of every layer for one sample; ys starts with the input."""
    for i in range(x_row.shape[0]):
        ys[i] = x_row[i]
    for layer in range(meta.shape[0]):
        n_in, n_out = meta[layer, N_IN], meta[layer, N_OUT]
        w_off, b_off, code = meta[layer, W_OFF], meta[layer, B_OFF], meta[layer, ACT]
        in_off, out_off = meta[layer, Y_OFF], meta[layer, Y_OFF] + n_in
        for j in range(n_out):
            s = 0.0
            row = w_off + j * n_in
            for i in range(n_in):
                s += w[row + i] * ys[in_off + i]
            if b_off >= 0:
                s += w[b_off + j]
            vs[out_off + j] = s
            if code != SOFTMAX:
                ys[out_off + j] = _phi(code, s)
        if code == SOFTMAX:
            top = vs[out_off]
            for j in range(n_out):
                top = max(top, vs[out_off + j])
            total = 0.0
            for j in range(n_out):
                ys[out_off + j] = math.exp(vs[out_off + j] - top)
                total += ys[out_off + j]
            for j in range(n_out):
                ys[out_off + j] /= total


@njit(cache=True)
def _loss(loss, meta, ys, vs, tf, ti, n, ds, scale):
    """𝓔(n) of sample n from the Output layer; with ds given, also δ = scale·∂𝓔/∂v."""
    last = meta.shape[0] - 1
    n_out, code, ste = meta[last, N_OUT], meta[last, ACT], meta[last, STE]
    o = meta[last, Y_OFF] + meta[last, N_IN]
    total = 0.0
    if loss == CROSS_ENTROPY:
        top = vs[o]
        for j in range(n_out):
            top = max(top, vs[o + j])
        sum_exp = 0.0
        for j in range(n_out):
            sum_exp += math.exp(vs[o + j] - top)
        lse = top + math.log(sum_exp)
        total = lse - vs[o + ti[n]]
        if ds.shape[0]:
            for j in range(n_out):
                ds[o + j] = scale * (math.exp(vs[o + j] - lse) - (1.0 if j == ti[n] else 0.0))
    elif loss == BINARY_CROSS_ENTROPY:
        for j in range(n_out):
            v, t = vs[o + j], tf[n, j]
            total += max(v, 0.0) - v * t + math.log1p(math.exp(-abs(v)))
            if ds.shape[0]:
                ds[o + j] = scale * (1.0 / (1.0 + math.exp(-v)) - t)
    else:
        dot = 0.0
        for j in range(n_out):
            e = ys[o + j] - tf[n, j]
            total += 0.5 * e * e
            dot += e * ys[o + j]
        if ds.shape[0]:
            for j in range(n_out):
                e = ys[o + j] - tf[n, j]
                if code == SOFTMAX:
                    ds[o + j] = scale * ys[o + j] * (e - dot)
                else:
                    ds[o + j] = scale * e * _dphi(code, ste, vs[o + j], ys[o + j])
    return total


@njit(cache=True)
def _backward(w, grad, meta, ys, vs, ds):
    """Add this sample's ∂𝓔/∂w to grad, from the Output's δ down to the first layer."""
    for layer in range(meta.shape[0] - 1, -1, -1):
        n_in, n_out = meta[layer, N_IN], meta[layer, N_OUT]
        w_off, b_off = meta[layer, W_OFF], meta[layer, B_OFF]
        in_off = meta[layer, Y_OFF]
        out_off = in_off + n_in
        for j in range(n_out):
            d = ds[out_off + j]
            if b_off >= 0:
                grad[b_off + j] += d
            row = w_off + j * n_in
            for i in range(n_in):
                grad[row + i] += d * ys[in_off + i]
        if layer > 0:
            below = layer - 1
            code, ste = meta[below, ACT], meta[below, STE]
            for i in range(n_in):
                s = 0.0
                for j in range(n_out):
                    s += w[w_off + j * n_in + i] * ds[out_off + j]
                ds[in_off + i] = s * _dphi(code, ste, vs[in_off + i], ys[in_off + i])


@njit(cache=True)
def _update(w, grad, m1, m2, is_weight, hyper, ints):
    """The penalty's gradient, then one SGD / momentum / Adam step (PyTorch's formulas)."""
    rate, penalty = hyper[H_RATE], ints[I_PENALTY]
    if penalty != NO_PENALTY and rate != 0.0:
        for p in range(w.shape[0]):
            if is_weight[p]:
                if penalty == L2:
                    grad[p] += rate * w[p]
                elif w[p] > 0.0:
                    grad[p] += rate
                elif w[p] < 0.0:
                    grad[p] -= rate
    lr, optimizer = hyper[H_LR], ints[I_OPTIMIZER]
    if optimizer == SGD:
        for p in range(w.shape[0]):
            w[p] = w[p] - lr * grad[p]
    elif optimizer == MOMENTUM:
        momentum = hyper[H_MOMENTUM]
        for p in range(w.shape[0]):
            m1[p] = momentum * m1[p] + grad[p]
            w[p] = w[p] - lr * m1[p]
    else:
        ints[I_ADAM_STEP] += 1
        t = ints[I_ADAM_STEP]
        step_size = lr / (1.0 - ADAM_BETA1 ** t)
        root2 = math.sqrt(1.0 - ADAM_BETA2 ** t)
        for p in range(w.shape[0]):
            g = grad[p]
            m1[p] = m1[p] + (g - m1[p]) * (1.0 - ADAM_BETA1)
            m2[p] = ADAM_BETA2 * m2[p] + (1.0 - ADAM_BETA2) * g * g
            w[p] = w[p] - step_size * m1[p] / (math.sqrt(m2[p]) / root2 + ADAM_EPS)


@njit(cache=True)
def evaluate(w, meta, x, tf, ti, loss, task, threshold, out):
    """Mean 𝓔 and accuracy (NaN without classes) of a split: out = [loss, accuracy]."""
    n = x.shape[0]
    size = meta[meta.shape[0] - 1, Y_OFF] + meta[meta.shape[0] - 1, N_IN] \
        + meta[meta.shape[0] - 1, N_OUT]
    ys, vs, none = np.empty(size), np.empty(size), np.empty(0)
    last = meta.shape[0] - 1
    o, n_out = meta[last, Y_OFF] + meta[last, N_IN], meta[last, N_OUT]
    total, right = 0.0, 0
    for s in range(n):
        _forward(w, meta, x[s], ys, vs)
        total += _loss(loss, meta, ys, vs, tf, ti, s, none, 0.0)
        if task == BINARY:
            label = ti[s] if loss == CROSS_ENTROPY else (1 if tf[s, 0] > 0.0 else 0)
            right += (1 if ys[o] >= threshold else 0) == label
        elif task == MULTICLASS:
            best = 0
            for j in range(n_out):
                if ys[o + j] > ys[o + best]:
                    best = j
            if loss == CROSS_ENTROPY:
                label = ti[s]
            else:
                label = 0
                for j in range(n_out):
                    if tf[s, j] > tf[s, label]:
                        label = j
            right += best == label
    out[0] = total / n if n else math.nan
    out[1] = right / n if n and task != REGRESSION else math.nan


@njit(cache=True)
def full_gradient(w, grad, meta, x, tf, ti, loss):
    """grad = ∇𝓔̄ over the whole split (no penalty); returns its norm."""
    n = x.shape[0]
    size = meta[meta.shape[0] - 1, Y_OFF] + meta[meta.shape[0] - 1, N_IN] \
        + meta[meta.shape[0] - 1, N_OUT]
    ys, vs, ds = np.empty(size), np.empty(size), np.empty(size)
    grad[:] = 0.0
    for s in range(n):
        _forward(w, meta, x[s], ys, vs)
        _loss(loss, meta, ys, vs, tf, ti, s, ds, 1.0 / n)
        _backward(w, grad, meta, ys, vs, ds)
    total = 0.0
    for p in range(grad.shape[0]):
        total += grad[p] * grad[p]
    return math.sqrt(total)


@njit(cache=True)
def _copy(dst, src):
    """dst ← src, element by element: a slice assignment `dst[:] = src` would compile
    numba's shape-mismatch message (string formatting), a quarter of a cold start."""
    for i in range(dst.shape[0]):
        dst[i] = src[i]


@njit(cache=True)
def run(w, grad, scratch, m1, m2, ckpt, best_w, meta, is_weight, x, tf, ti, xc, tfc, tic,
        xt, tft, tit, perms, batch, max_batches, hyper, ints, best, out, result):
    """Train from sample result[R_POS] of perms[0] with result[R_LOSS_SUM] carried over, for
    at most `max_batches` batches and len(perms) epochs, or until a stopping criterion holds.

    (x, tf, ti) is the training split; (xc, tfc, tic) and (xt, tft, tit) are the training and
    test samples the curves evaluate. Each finished epoch e writes the mean of its batch
    losses to out[OUT_BATCH, e] and, where both splits were evaluated at its end, their loss
    and accuracy to out[OUT_TRAIN…OUT_TEST_ACC, e] (NaN otherwise). result[R_STATUS] says why
    it stopped early; result[R_VALUE] holds the diverged epoch's loss, or else the latest full
    gradient norm (when that criterion is on; `scratch` holds that gradient).
    """
    n, loss = x.shape[0], ints[I_LOSS]
    size = meta[meta.shape[0] - 1, Y_OFF] + meta[meta.shape[0] - 1, N_IN] \
        + meta[meta.shape[0] - 1, N_OUT]
    ys, vs, ds = np.empty(size), np.empty(size), np.empty(size)
    figures = np.empty(2)
    pos, loss_sum = int(result[R_POS]), result[R_LOSS_SUM]
    batches, epochs = 0, 0
    result[R_STATUS] = GOING
    while batches < max_batches and epochs < perms.shape[0]:
        order = perms[epochs]
        stop = min(pos + batch, n)
        scale = 1.0 / (stop - pos)
        grad[:] = 0.0
        for k in range(pos, stop):
            s = order[k]
            _forward(w, meta, x[s], ys, vs)
            loss_sum += _loss(loss, meta, ys, vs, tf, ti, s, ds, scale)
            _backward(w, grad, meta, ys, vs, ds)
        _update(w, grad, m1, m2, is_weight, hyper, ints)
        batches += 1
        pos = stop
        if pos < n:
            continue
        # ---- the epoch's end ----
        mean = loss_sum / n
        pos, loss_sum = 0, 0.0
        finite = math.isfinite(mean)
        for p in range(w.shape[0]):
            finite = finite and math.isfinite(w[p])
        if not finite or mean > hyper[H_LIMIT]:
            _copy(w, ckpt)
            m1[:] = 0.0
            m2[:] = 0.0
            ints[I_ADAM_STEP] = 0
            result[R_STATUS] = EXPLODED if finite else NOT_FINITE
            result[R_VALUE] = mean
            break
        _copy(ckpt, w)
        out[:, epochs] = math.nan
        out[OUT_BATCH, epochs] = mean
        patience = ints[I_PATIENCE]
        first = epochs == 0 and ints[I_TEST_FIRST]
        if patience or first or epochs == perms.shape[0] - 1:
            task, threshold = ints[I_TASK], hyper[H_THRESHOLD]
            evaluate(w, meta, xc, tfc, tic, loss, task, threshold, figures)
            out[OUT_TRAIN, epochs], out[OUT_TRAIN_ACC, epochs] = figures[0], figures[1]
            evaluate(w, meta, xt, tft, tit, loss, task, threshold, figures)
            out[OUT_TEST, epochs], out[OUT_TEST_ACC, epochs] = figures[0], figures[1]
        epoch = ints[I_EPOCH] + epochs + 1
        epochs += 1
        if patience and xt.shape[0]:
            if best[1] < 0 or out[OUT_TEST, epochs - 1] < best[0]:
                best[0], best[1] = out[OUT_TEST, epochs - 1], epoch
                _copy(best_w, w)
            elif epoch - best[1] >= patience:
                _copy(w, best_w)
                result[R_STATUS] = EARLY_STOPPING
                break
        if hyper[H_GRAD_THRESHOLD] > 0.0:
            result[R_VALUE] = full_gradient(w, scratch, meta, x, tf, ti, loss)
            if result[R_VALUE] < hyper[H_GRAD_THRESHOLD]:
                result[R_STATUS] = GRAD_NORM
                break
        if hyper[H_PLATEAU] > 0.0 and not math.isnan(hyper[H_PREVIOUS]):
            if abs(mean - hyper[H_PREVIOUS]) < hyper[H_PLATEAU]:
                result[R_STATUS] = PLATEAU
                break
        hyper[H_PREVIOUS] = mean
    result[R_BATCHES], result[R_EPOCHS] = batches, epochs
    result[R_POS], result[R_LOSS_SUM] = pos, loss_sum
