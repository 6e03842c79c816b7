"""Sequence data sets (time steps × 1 feature): predict a sine, count bits, remember a bit.

Every generator takes `(rng, n_samples, noise, length)`; `length` is the number of time steps
T. Bits enter the network as +1 (one) and −1 (zero). The bit sets are about memory: parity
needs a running answer carried through every step, "remember-first" one bit carried from the
first step to the last.
"""

from __future__ import annotations

import math

import numpy as np

from playground.core.datasets.info import (
    KIND_SEQUENCE,
    TASK_BINARY,
    TASK_REGRESSION,
    DatasetInfo,
    Recipe,
    Samples,
    StringSamples,
)

DEFAULT_LENGTH = 8
OMEGA_RANGE = (0.3, 0.9)  # sine frequency in radians per step: periods of 7 to 21 steps


def sine_next(rng: np.random.Generator, n: int, noise: float, length: int) -> Samples:
    """Windows x₁..x_T of sin(ωt + φ) with gaussian noise; the target is the clean x_{T+1}."""
    omega = rng.uniform(*OMEGA_RANGE, (n, 1))
    phase = rng.uniform(0.0, 2 * math.pi, (n, 1))
    wave = np.sin(omega * np.arange(length + 1) + phase)
    window = wave[:, :length] + rng.normal(0.0, noise, (n, length))
    return window[:, :, None], wave[:, length]


def _bits(rng: np.random.Generator, n: int, noise: float, length: int) -> tuple[np.ndarray,
                                                                                 np.ndarray]:
    """Random 0/1 bits `(N, T)` and the inputs `(N, T, 1)`: +1 for a one, −1 for a zero,
    plus gaussian noise. (Centred inputs let the LSTM learn the long distances; with 0/1
    inputs it often failed where a plain RNN did not.)"""
    bits = rng.integers(0, 2, (n, length))
    return bits, (2.0 * bits - 1.0 + rng.normal(0.0, noise, bits.shape))[:, :, None]


def _string_keys(bits: np.ndarray) -> np.ndarray:
    """Each row of bits as one integer (the same for equal strings), to split by string."""
    return np.unique(bits, axis=0, return_inverse=True)[1].ravel()


def parity(rng: np.random.Generator, n: int, noise: float, length: int) -> StringSamples:
    """T random bits; the label is their parity (1 when the number of ones is odd)."""
    bits, inputs = _bits(rng, n, noise, length)
    return inputs, (bits.sum(axis=1) % 2).astype(np.float64), _string_keys(bits)


def remember_first(rng: np.random.Generator, n: int, noise: float, length: int
                   ) -> StringSamples:
    """T random bits; the label is the first one."""
    bits, inputs = _bits(rng, n, noise, length)
    return inputs, bits[:, 0].astype(np.float64), _string_keys(bits)


def _sequence_info(name: str, title: str, task: str, classes: tuple[str, ...],
                   text: str) -> DatasetInfo:
    return DatasetInfo(name, title, task, KIND_SEQUENCE, (DEFAULT_LENGTH, 1), len(classes),
                       text, classes)


ENTRIES: tuple[tuple[DatasetInfo, Recipe], ...] = (
    (_sequence_info("sine-next", "Next sine value", TASK_REGRESSION, (),
                    "Windows of a noisy sine wave of random phase and frequency: predict the "
                    "next value."),
     Recipe(sine_next, uses_length=True)),
    (_sequence_info("parity", "Parity of bits", TASK_BINARY, ("even", "odd"),
                    "A string of bits: is the number of ones odd? Every bit matters."),
     Recipe(parity, uses_length=True, by_string=True)),
    (_sequence_info("remember-first", "Remember the first bit", TASK_BINARY,
                    ("first bit 0", "first bit 1"),
                    "A string of bits whose label is the first one: the length is the distance "
                    "the network must remember it over."),
     Recipe(remember_first, uses_length=True, by_string=True)),
)
