"""Realistic tabular data written as CSV files, for the import and standardisation tests.

`wine_like` follows the class means and spreads of the UCI wine recognition data (178 wines,
13 measurements, 3 cultivars), whose features differ in scale by four orders of magnitude
(hue about 1, proline about 750). `diabetes_like` is a regression on ten patient measurements
of very different scales, whose target (disease progression, mean about 150) depends on a
few of them, as in Efron et al.'s diabetes data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

WINE_FEATURES = ("alcohol", "malic_acid", "ash", "alcalinity", "magnesium", "phenols",
                 "flavanoids", "nonflavanoid", "proanthocyanins", "color", "hue", "od280",
                 "proline")
# Per cultivar: the mean of each feature, then the spread within a cultivar.
WINE_MEANS = np.array([
    [13.74, 2.01, 2.46, 17.0, 106.0, 2.84, 2.98, 0.29, 1.90, 5.5, 1.06, 3.16, 1116.0],
    [12.28, 1.93, 2.24, 20.2, 94.0, 2.26, 2.08, 0.36, 1.63, 3.1, 1.06, 2.79, 520.0],
    [13.15, 3.33, 2.44, 21.4, 99.0, 1.68, 0.78, 0.45, 1.15, 7.4, 0.68, 1.68, 630.0],
])
WINE_SPREAD = np.array([0.5, 1.0, 0.25, 3.0, 14.0, 0.5, 0.6, 0.12, 0.55, 1.8, 0.2, 0.5, 200.0])
WINE_COUNTS = (59, 71, 48)


def wine_like(path: Path, seed: int = 0) -> Path:
    """Write the wine-like table (label column 'cultivar' last) to `path`."""
    rng = np.random.default_rng(seed)
    rows = [np.column_stack([rng.normal(WINE_MEANS[c], WINE_SPREAD, (n, 13)),
                             np.full(n, c + 1)]) for c, n in enumerate(WINE_COUNTS)]
    return _write(path, np.concatenate(rows), (*WINE_FEATURES, "cultivar"))


def diabetes_like(path: Path, n: int = 442, seed: int = 0) -> Path:
    """Write a regression table: age, sex, bmi, bp, six serum values, then 'progression'."""
    rng = np.random.default_rng(seed)
    age = rng.normal(48, 13, n)
    sex = rng.integers(1, 3, n).astype(float)
    bmi = rng.normal(26.4, 4.4, n)
    bp = rng.normal(94.6, 13.8, n)
    serum = rng.normal([189, 115, 50, 4.1, 4.6, 91], [34, 30, 13, 1.3, 0.5, 11], (n, 6))
    progression = (152 + 10 * (bmi - 26.4) + 1.2 * (bp - 94.6) + 60 * (serum[:, 4] - 4.6)
                   - 0.6 * (serum[:, 2] - 50) + rng.normal(0, 40, n))
    table = np.column_stack([age, sex, bmi, bp, serum, progression])
    names = ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6", "progression")
    return _write(path, table, names)


def _write(path: Path, table: np.ndarray, names: tuple[str, ...]) -> Path:
    np.savetxt(path, table, delimiter=",", header=",".join(names), comments="", fmt="%.6g")
    return path
