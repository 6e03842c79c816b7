"""Image data sets: bars, shapes and the shipped handwritten digits; autoencoding them."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core.datafit import check_fit, fit_to_data
from playground.core.datasets import DATASETS, DataConfig, Dataset, make_dataset
from playground.core.graph import InvalidNetwork, require_valid
from playground.core.resources import resource_dir
from playground.core.spec import sequential

IMAGE_SETS = {"bars": (1, 8, 8), "shapes": (1, 12, 12), "digits": (1, 8, 8)}


def build(name: str, **kwargs: object) -> Dataset:
    return make_dataset(DataConfig(name=name, **kwargs))  # type: ignore[arg-type]


def images_and_labels(data: Dataset) -> tuple[np.ndarray, np.ndarray]:
    return (np.concatenate([data.x_train, data.x_test])[:, 0],
            np.concatenate([data.y_train, data.y_test]))


@pytest.mark.parametrize(("name", "shape"), IMAGE_SETS.items())
def test_image_sets_have_their_shape_classes_and_pixel_range(name: str, shape: tuple) -> None:
    data = build(name, n_samples=200, noise=20)
    info = DATASETS[name]
    assert info.kind == data.kind == "image" and info.input_shape == shape
    assert data.x_train.shape == (100, *shape) and data.x_test.shape == (100, *shape)
    assert data.x_train.dtype == np.float32 and data.y_train.dtype == np.int64
    assert data.x_train.min() >= 0 and data.x_train.max() <= 1
    assert data.task == "multiclass" and data.output_dim == info.n_classes
    assert len(info.class_names) == info.n_classes
    assert set(np.unique(data.y_train)) <= set(range(info.n_classes))
    assert np.array_equal(data.labels_train, data.y_train)
    assert data.points_train.shape == data.points_test.shape == (0, 2)


@pytest.mark.parametrize("name", IMAGE_SETS)
def test_image_sets_follow_the_seed(name: str) -> None:
    first, again, other = build(name, seed=4), build(name, seed=4), build(name, seed=5)
    assert first.x_train.tobytes() == again.x_train.tobytes()
    assert first.y_test.tobytes() == again.y_test.tobytes()
    assert not np.array_equal(first.x_train, other.x_train)


@pytest.mark.parametrize("name", ["bars", "shapes"])
def test_generated_classes_are_balanced(name: str) -> None:
    _, labels = images_and_labels(build(name, n_samples=400))
    assert np.bincount(labels).tolist() == [100] * 4


def test_each_bar_lies_along_its_orientation() -> None:
    images, labels = images_and_labels(build("bars", n_samples=200))
    rows, cols = np.mgrid[0:8, 0:8]
    along = {0: rows, 1: cols, 2: cols - rows, 3: rows + cols}  # constant along the bar
    for image, label in zip(images, labels, strict=True):
        ink = image > 0
        positions = np.unique(along[int(label)][ink])
        assert 1 <= len(positions) <= 2  # one or two pixels thick
        assert ink.sum() >= 4 * len(positions)  # a bar, not a dot


def test_a_square_is_an_outline_and_the_other_shapes_are_solid_in_their_middle() -> None:
    images, labels = images_and_labels(build("shapes", n_samples=200))
    for image, label in zip(images, labels, strict=True):
        rows, cols = np.nonzero(image)
        middle = image[(rows.min() + rows.max()) // 2, (cols.min() + cols.max()) // 2]
        assert (middle == 0) == (DATASETS["shapes"].class_names[label] == "square")


def test_noise_is_pixel_noise_within_the_pixel_range() -> None:
    clean, noisy = build("bars", noise=0), build("bars", noise=30)
    difference = noisy.x_train - clean.x_train
    assert np.any(difference != 0)
    assert noisy.x_train.min() >= 0 and noisy.x_train.max() <= 1
    assert np.array_equal(noisy.y_train, clean.y_train)


def test_digits_are_the_shipped_uci_set_and_the_sample_count_is_clamped() -> None:
    data = build("digits", n_samples=5000, train_fraction=0.8)
    images, labels = images_and_labels(data)
    assert len(images) == 1797 and len(data.x_train) == round(1797 * 0.8)
    assert np.bincount(labels).min() >= 170  # about 180 of each digit
    assert images.max() == 1.0 and np.all(np.isin(images * 16, np.arange(17)))
    assert len(build("digits", n_samples=100).x_train) == 50
    assert "1797" in DATASETS["digits"].description


def test_the_digits_file_is_plain_arrays_with_its_source_and_licence_noted() -> None:
    folder = resource_dir() / "datasets"
    with np.load(folder / "digits.npz", allow_pickle=False) as data:
        assert data["images"].shape == (1797, 8, 8) and data["images"].dtype == np.uint8
        assert data["labels"].shape == (1797,) and data["labels"].dtype == np.uint8
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for needed in ("Alpaydin", "CC BY 4.0", "10.24432/C50P49"):
        assert needed in readme


def test_autoencoding_makes_the_images_their_own_targets() -> None:
    plain = build("digits", n_samples=300)
    data = build("digits", n_samples=300, autoencode=True)
    assert data.autoencoder and data.task == "regression" and data.output_dim == 64
    assert data.y_train.dtype == np.float32 and data.y_train.shape == (150, 64)
    assert np.array_equal(data.y_train, data.x_train.reshape(150, 64))
    assert np.array_equal(data.labels_train, plain.y_train)  # classes kept for colouring


def test_image_data_has_no_plotting_domain() -> None:
    data = build("shapes")
    assert not data.plottable
    with pytest.raises(ValueError, match="'shapes' is image data"):
        data.extent  # noqa: B018
    with pytest.raises(ValueError, match="plotting domain"):
        data.grid()


def test_networks_fit_image_data_and_an_image_autoencoder_needs_a_flatten() -> None:
    spec = sequential(("Input", {"shape": [2]}), ("Flatten", {}), ("Dense", {"units": 8}),
                      ("Output", {}))
    data = build("digits", n_samples=100)
    fit_to_data(spec, data)
    check_fit(spec, data)
    assert spec.of_kind("Output")[0].params["units"] == 10
    assert list(spec.of_kind("Input")[0].params["shape"]) == [1, 8, 8]

    flat_less = sequential(("Input", {"shape": [2]}), ("Output", {}))
    fit_to_data(flat_less, build("digits", n_samples=100, autoencode=True))
    output = flat_less.of_kind("Output")[0].params
    assert (output["units"], output["task"]) == (64, "regression")
    with pytest.raises(InvalidNetwork, match="Add a Flatten layer"):
        require_valid(flat_less)
