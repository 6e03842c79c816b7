"""Behaviour of the synthetic data sets: determinism, splits, labels, features, grids, config."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core.datasets import (
    DATASETS,
    FEATURES,
    TASK_BINARY,
    TASK_MULTICLASS,
    TASK_REGRESSION,
    DataConfig,
    DataConfigError,
    Dataset,
    apply_features,
    make_dataset,
)

ARRAYS = ("points_train", "points_test", "x_train", "x_test", "y_train", "y_test")
DRAWN = [name for name, info in DATASETS.items() if info.kind in ("plane", "line")]


def build(name: str = "circle", **kwargs: object) -> Dataset:
    return make_dataset(DataConfig(name=name, **kwargs))  # type: ignore[arg-type]


def all_points(data: Dataset) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate([data.points_train, data.points_test]), np.concatenate(
        [data.y_train, data.y_test]
    )


# ---- registry and shapes ---------------------------------------------------------------------
def test_registry_order_and_infos() -> None:
    assert DRAWN[:4] == ["circle", "xor", "gauss", "spiral"]
    assert DRAWN[-3:] == ["sine", "abs", "step"]
    for name in DRAWN:
        info = DATASETS[name]
        assert info.name == name and info.title and info.description
        assert info.task in (TASK_BINARY, TASK_MULTICLASS, TASK_REGRESSION)
        assert info.n_classes == {TASK_BINARY: 2, TASK_MULTICLASS: 3, TASK_REGRESSION: 0}[info.task]
        assert info.input_shape == {"plane": (2,), "line": (1,)}[info.kind]


@pytest.mark.parametrize("name", DRAWN)
def test_shapes_and_dtypes(name: str) -> None:
    data = build(name, n_samples=60, noise=20, features=("x1", "x2", "x1x2"))
    info = DATASETS[name]
    width = 3 if info.kind == "plane" else 1
    assert data.points_train.shape[1] == info.input_shape[0]
    assert data.x_train.shape[1] == data.x_test.shape[1] == data.input_dim == width
    assert data.x_train.dtype == data.points_train.dtype == np.float32
    if info.task == TASK_REGRESSION:
        assert data.y_train.dtype == np.float32 and data.y_train.shape == (len(data.x_train), 1)
        assert data.output_dim == 1
    else:
        assert data.y_train.dtype == np.int64 and data.y_train.shape == (len(data.x_train),)
        assert set(np.unique(data.y_train)) <= set(range(info.n_classes))
        assert data.output_dim == (3 if info.task == TASK_MULTICLASS else 1)


# ---- determinism and splits ------------------------------------------------------------------
@pytest.mark.parametrize("name", list(DATASETS))
def test_same_seed_gives_identical_arrays(name: str) -> None:
    first, second = build(name, noise=30, seed=7), build(name, noise=30, seed=7)
    for attr in ARRAYS:
        a, b = getattr(first, attr), getattr(second, attr)
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("name", [n for n in DATASETS if n != "xor-points"])
def test_different_seed_gives_different_data(name: str) -> None:
    assert not np.array_equal(build(name, seed=1).x_train, build(name, seed=2).x_train)


@pytest.mark.parametrize(
    ("n", "fraction", "n_train"), [(500, 0.5, 250), (101, 0.8, 81), (3, 0.1, 1)]
)
def test_split_sizes(n: int, fraction: float, n_train: int) -> None:
    data = build(n_samples=n, train_fraction=fraction)
    assert len(data.x_train) == len(data.y_train) == len(data.points_train) == n_train
    assert len(data.x_test) == len(data.y_test) == len(data.points_test) == n - n_train


def test_full_train_fraction_leaves_empty_test_set() -> None:
    data = build("reg-plane", n_samples=40, train_fraction=1.0)
    assert len(data.x_train) == 40
    assert data.x_test.shape == (0, 2) and data.y_test.shape == (0, 1)
    assert data.points_test.shape == (0, 2)


def test_samples_are_shuffled_before_the_split() -> None:
    data = build("gauss", n_samples=200)
    assert 0.3 < data.y_train.mean() < 0.7
    assert 0.3 < data.y_test.mean() < 0.7


# ---- generators ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["circle", "xor", "gauss", "spiral", "moons", "linear"])
@pytest.mark.parametrize("noise", [0, 50])
def test_binary_labels_are_balanced(name: str, noise: float) -> None:
    _, labels = all_points(build(name, n_samples=400, noise=noise))
    assert 0.35 < labels.mean() < 0.65


def test_circle_inner_class_within_radius_at_zero_noise() -> None:
    points, labels = all_points(build("circle", noise=0))
    radius = np.hypot(points[:, 0], points[:, 1])
    assert np.all(radius[labels == 1] <= 2.5)
    assert np.all(radius[labels == 0] >= 3.5 - 1e-5)
    assert labels.sum() == 250


def test_circle_noise_flips_some_labels_but_keeps_points() -> None:
    points, labels = all_points(build("circle", noise=50))
    inside = np.hypot(points[:, 0], points[:, 1]) < 2.5
    assert np.any(inside != (labels == 1))
    assert np.all(np.abs(points) <= 5)


def test_xor_labels_follow_sign_at_zero_noise() -> None:
    points, labels = all_points(build("xor", noise=0))
    assert np.array_equal(labels, (points[:, 0] * points[:, 1] >= 0).astype(np.int64))
    assert np.all(np.abs(points) >= 0.3 - 1e-6)


def test_gauss_blobs_centres() -> None:
    points, labels = all_points(build("gauss", n_samples=1000))
    assert np.allclose(points[labels == 1].mean(axis=0), [2, 2], atol=0.2)
    assert np.allclose(points[labels == 0].mean(axis=0), [-2, -2], atol=0.2)


def test_spiral_radius_bounded_at_zero_noise() -> None:
    points, labels = all_points(build("spiral", noise=0))
    assert np.hypot(points[:, 0], points[:, 1]).max() <= 5
    assert labels.sum() == 250


def test_linear_is_separable_by_a_line_at_zero_noise() -> None:
    points, labels = all_points(build("linear", noise=0))
    points = np.column_stack([points, np.ones(len(points))])  # the line may miss the origin
    signs = np.where(labels == 1, 1.0, -1.0)
    weights = np.zeros(3)
    for _ in range(10_000):  # the perceptron rule with a bias; converges thanks to the margin
        wrong = np.flatnonzero(signs * (points @ weights) <= 0)
        if not len(wrong):
            break
        weights += signs[wrong[0]] * points[wrong[0]]
    assert np.all(signs * (points @ weights) > 0)


def test_moons_fill_the_plane_and_are_labelled() -> None:
    points, labels = all_points(build("moons", noise=0))
    assert np.abs(points).max() <= 5
    assert points[labels == 1, 1].mean() > points[labels == 0, 1].mean()


def test_xor_points_are_the_four_corners_in_order() -> None:
    data = build("xor-points", n_samples=300, noise=40, train_fraction=1.0)
    assert data.points_train.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert data.y_train.tolist() == [0, 1, 1, 0]
    assert len(data.x_test) == 0
    assert data.extent == (-0.5, 1.5, -0.5, 1.5)


def test_multiclass_has_three_balanced_classes() -> None:
    data = build("multiclass-gauss", n_samples=300, train_fraction=1.0)
    assert data.task == TASK_MULTICLASS and data.n_classes == 3 and data.output_dim == 3
    assert np.bincount(data.y_train).tolist() == [100, 100, 100]


@pytest.mark.parametrize("name", ["reg-plane", "reg-gauss"])
def test_plane_regression_targets_at_zero_noise(name: str) -> None:
    points, targets = all_points(build(name, noise=0))
    assert np.abs(points).max() <= 6
    assert np.abs(targets).max() <= 1.2 + 1e-6
    if name == "reg-plane":
        assert np.allclose(targets[:, 0], points.sum(axis=1) / 10, atol=1e-6)


def test_line2x_points_lie_on_the_line_and_their_target_is_x1() -> None:
    points, targets = all_points(build("line2x", noise=0))
    assert np.allclose(points[:, 1], 2 * points[:, 0], atol=1e-6)
    assert np.allclose(targets[:, 0], points[:, 0], atol=1e-6)
    assert np.abs(points).max() <= 6
    noisy, _ = all_points(build("line2x", noise=20))
    assert np.std(noisy[:, 1] - 2 * noisy[:, 0]) > 0.5


def test_autoencoding_plane_points_targets_the_chosen_features() -> None:
    data = build("line2x", autoencode=True, features=("x1", "x2", "x1x2"))
    assert data.task == TASK_REGRESSION and data.output_dim == 3
    assert np.array_equal(data.y_train, data.x_train)
    assert data.labels_train is None


@pytest.mark.parametrize(
    ("name", "func"),
    [
        ("sine", np.sin),
        ("abs", lambda x: np.abs(x) / np.pi * 2 - 1),
        ("step", lambda x: (x >= 0).astype(np.float64)),
    ],
)
def test_functions_1d(name: str, func: object) -> None:
    data = build(name, noise=0, features=("x1x2",))
    points, targets = all_points(data)
    assert data.input_dim == 1 and data.feature_names == ("x1",)
    assert np.array_equal(data.x_train, data.points_train)
    assert np.abs(points).max() <= np.pi
    assert np.allclose(targets[:, 0], func(points[:, 0]), atol=1e-6)  # type: ignore[operator]


def test_function_noise_has_the_requested_std() -> None:
    points, targets = all_points(build("sine", n_samples=4000, noise=20))
    assert np.std(targets[:, 0] - np.sin(points[:, 0])) == pytest.approx(0.2, rel=0.1)


# ---- features and grid -----------------------------------------------------------------------
def test_apply_features_columns() -> None:
    points = np.array([[1.0, 2.0], [-3.0, 0.5]])
    out = apply_features(points, list(FEATURES))
    a, b = points[:, 0], points[:, 1]
    expected = np.column_stack([a, b, a * a, b * b, a * b, np.sin(a), np.sin(b)])
    assert out.dtype == np.float32 and out.shape == (2, 7)
    assert np.allclose(out, expected, atol=1e-6)


def test_apply_features_rejects_unknown_names() -> None:
    with pytest.raises(DataConfigError, match="cos_x1"):
        apply_features(np.zeros((1, 2)), ["cos_x1"])


def test_dataset_inputs_follow_the_chosen_features() -> None:
    data = build("xor", features=("x1x2", "sin_x2"))
    assert data.feature_names == ("x1x2", "sin_x2")
    assert np.array_equal(data.x_train, apply_features(data.points_train, data.feature_names))
    assert np.allclose(data.x_test[:, 0], data.points_test[:, 0] * data.points_test[:, 1])


def test_plane_grid_covers_the_extent_with_the_same_features() -> None:
    data = build("circle", features=("x1^2", "x2^2", "x1x2"))
    points, inputs = data.grid(20)
    assert points.shape == (400, 2) and inputs.shape == (400, 3)
    assert points.dtype == inputs.dtype == np.float32
    assert np.array_equal(inputs, apply_features(points, data.feature_names))
    assert (points.min(0).tolist(), points.max(0).tolist()) == ([-6, -6], [6, 6])
    assert np.array_equal(points[:20, 1], np.full(20, -6, dtype=np.float32))


def test_line_grid_is_sorted_over_the_input_range() -> None:
    data = build("step", noise=0)
    points, inputs = data.grid(50)
    assert points.shape == inputs.shape == (50, 1)
    assert np.all(np.diff(points[:, 0]) > 0)
    assert np.array_equal(points, inputs)
    xmin, xmax, ymin, ymax = data.extent
    assert (xmin, xmax) == pytest.approx((-np.pi, np.pi))
    assert ymin < 0 < 1 < ymax


# ---- configuration ---------------------------------------------------------------------------
def test_config_round_trip() -> None:
    config = DataConfig("spiral", 321, 12.5, 0.7, 9, ("x1", "sin_x2"))
    data = config.to_dict()
    assert data["features"] == ["x1", "sin_x2"]
    assert DataConfig.from_dict(data) == config
    assert DataConfig.from_dict({}) == DataConfig()


def test_config_normalises_numbers() -> None:
    config = DataConfig.from_dict({"noise": 10, "train_fraction": 1})
    assert isinstance(config.noise, float) and isinstance(config.train_fraction, float)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "donut"}, "name"),
        ({"n_samples": 0}, "n_samples"),
        ({"n_samples": 10.5}, "n_samples"),
        ({"n_samples": True}, "n_samples"),
        ({"noise": 60}, "noise"),
        ({"noise": -1}, "noise"),
        ({"noise": "low"}, "noise"),
        ({"train_fraction": 0}, "train_fraction"),
        ({"train_fraction": 1.5}, "train_fraction"),
        ({"seed": -1}, "seed"),
        ({"features": []}, "features"),
        ({"features": "x1"}, "features"),
        ({"features": ["x1", "x3"]}, "features"),
        ({"features": ["x1", "x1"]}, "features"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_from_dict_rejects_bad_values(data: dict[str, object], field: str) -> None:
    with pytest.raises(DataConfigError, match=field):
        DataConfig.from_dict(data)


def test_error_messages_say_what_is_allowed() -> None:
    with pytest.raises(DataConfigError, match=r"circle, xor"):
        DataConfig.from_dict({"name": "donut"})
    with pytest.raises(DataConfigError, match=r"\[0\.0, 50\.0\]"):
        DataConfig.from_dict({"noise": 60})
    with pytest.raises(DataConfigError, match="allowed keys"):
        DataConfig.from_dict({"colour": "red"})
