"""Importing the user's own data: CSV, .npz, IDX and image folders, and every bad file."""

import gzip
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

from playground.core.datasets import DataConfig, make_dataset
from playground.core.datasets.imports import (
    DataImportError,
    ImportedData,
    detect_format,
    load_csv,
    load_idx,
    load_image_folder,
    load_npz,
    load_path,
)
from playground.core.presets import load_preset
from playground.core.project import Project, ProjectError, load_project, save_project

IRIS = """sepal length,sepal width,petal length,species
5.1,3.5,1.4,setosa
4.9,3.0,1.4,setosa
7.0,3.2,4.7,versicolor
6.4,3.2,4.5,versicolor
6.3,3.3,6.0,virginica
5.8,2.7,5.1,virginica
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_error(call, *args, **kwargs) -> str:
    with pytest.raises(DataImportError) as info:
        call(*args, **kwargs)
    return str(info.value)


# ---- CSV -------------------------------------------------------------------------------------
def test_csv_with_text_labels_becomes_a_multiclass_table(tmp_path):
    data = load_csv(write(tmp_path, "iris.csv", IRIS))
    assert data.x.shape == (6, 3) and data.x.dtype == np.float32
    assert data.y.tolist() == [0, 0, 1, 1, 2, 2] and data.y.dtype == np.int64
    assert data.task == "multiclass" and data.kind == "table"
    assert data.class_names == ("setosa", "versicolor", "virginica")
    assert data.feature_names == ("sepal length", "sepal width", "petal length")
    assert data.summary() == "6 samples, 3 features, 3 classes"


def test_two_feature_columns_make_a_plane_with_the_datas_extent(tmp_path):
    data = load_csv(write(tmp_path, "two.csv", IRIS), label="species",
                    features=["sepal length", "petal length"])
    assert data.kind == "plane"
    dataset = make_dataset(DataConfig(name="imported", n_samples=6), data)
    xmin, xmax, ymin, ymax = dataset.extent
    assert xmin < 4.9 and xmax > 7.0 and ymin < 1.4 and ymax > 6.0
    points, inputs = dataset.grid(10)
    assert points.shape == (100, 2) and inputs.shape == (100, 2)


def test_semicolons_decimal_commas_and_no_header(tmp_path):
    data = load_csv(write(tmp_path, "eu.csv", "1,5;2;0\n3;4,25;1\n5;6;1\n"))
    assert data.x.tolist() == [[1.5, 2.0], [3.0, 4.25], [5.0, 6.0]]
    assert data.feature_names == ("column 1", "column 2") and data.task == "binary"


def test_tabs_and_spaces_are_delimiters_too(tmp_path):
    assert load_csv(write(tmp_path, "t.tsv", "a\tb\tc\n1\t2\t0\n3\t4\t1\n")).x.shape == (2, 2)
    assert load_csv(write(tmp_path, "s.txt", "a b c\n1 2 0\n3 4 1\n")).x.shape == (2, 2)


def test_auto_task_decides_between_classes_and_values(tmp_path):
    floats = "x,y\n" + "".join(f"{i},{i * 0.37:.2f}\n" for i in range(10))
    data = load_csv(write(tmp_path, "f.csv", floats))
    assert data.task == "regression" and data.y.shape == (10, 1) and data.kind == "line"
    many = "x,y\n" + "".join(f"{i},{i}\n" for i in range(30))
    assert load_csv(write(tmp_path, "m.csv", many)).task == "regression"
    assert load_csv(write(tmp_path, "m.csv", many), task="multiclass").n_classes == 30


def test_columns_by_number_and_label_not_last(tmp_path):
    path = write(tmp_path, "c.csv", "label,a,b,c\nx,1,2,3\ny,4,5,6\n")
    data = load_csv(path, label="1", features=[3, "b"])
    assert data.feature_names == ("c", "b") and data.x.tolist() == [[3, 2], [6, 5]]
    assert data.class_names == ("x", "y")


@pytest.mark.parametrize(("text", "options", "expected"), [
    ("a:b:c\n1:2:0\n3:4:1\n", {}, "found a single column; separate the values by commas"),
    ("a|b|c\n1|2|0\n3|4\n", {}, "row 3 has 2 values but the first row has 3"),
    ("a,b,c\n1,2,0\n3,,1\n", {}, 'row 3, column 2 ("b"): the value is missing'),
    ("a,b,c\n1,2,0\n3,NA,1\n", {}, 'row 3, column 2 ("b"): the value is missing'),
    ("a,b,c\n1,2,0\n3,4,1\n5,six,1\n", {},
     'row 4, column 2 ("b") holds "six", which is not a number'),
    ("a,b,c\n1,2,0\n3,4,0\n", {}, "only one class ('0')"),
    ("a,b,c\n1,2,x\n3,4,\n", {}, 'row 3, column 3 ("c"): the label is missing'),
    ("a,b,c\n1,2,x\n3,4,y\n", {"task": "regression"}, 'row 2, column 3 ("c") holds "x"'),
    ("a,b,c\n1,2,x\n3,4,y\n5,6,z\n", {"task": "binary"}, "3 classes (x, y, z) but binary"),
    ("a,b,c\n1,2,x\n", {"label": "d"}, "no label column 'd'; the columns are: a, b, c"),
    ("a,b,c\nx,y,1\nz,w,2\n", {}, 'no numeric columns besides the label column 3 ("c")'),
    ("a,b,c\n", {}, "has a header but no data rows"),
    ("\n\n", {}, "the file is empty"),
])
def test_bad_csv_files_name_the_row_and_column(tmp_path, text, options, expected):
    message = import_error(load_csv, write(tmp_path, "bad.csv", text), **options)
    assert message.startswith("bad.csv: ") or "column" in message
    assert expected in message, message


def test_a_binary_file_named_csv_is_refused(tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert "not a CSV text file" in import_error(load_csv, path)


def test_huge_files_are_refused_with_the_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_DATA_MB", "1")
    path = write(tmp_path, "big.csv", "a,b\n" + "1,0\n2,1\n" * 150_000)
    assert import_error(load_csv, path) == (
        "big.csv: the file's 1.1 MB is more than the 1 MB data file size the playground "
        "allows; set PLAYGROUND_MAX_DATA_MB to raise the limit; or import a sample of the rows")


def test_npz_files_that_unpack_too_large_are_refused(tmp_path, monkeypatch):
    path = tmp_path / "zeros.npz"
    np.savez_compressed(path, x=np.zeros((20_000, 10)), y=np.zeros(20_000))
    monkeypatch.setenv("PLAYGROUND_MAX_UNPACKED_MB", "1")
    assert import_error(load_npz, path).startswith("zeros.npz: unpacked, its 2 MB is more than "
                                                   "the 1 MB unpacked size")


def test_too_many_rows_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("playground.core.datasets.csv_loader.MAX_ROWS", 3)
    path = write(tmp_path, "long.csv", "a,b\n" + "1,0\n2,1\n" * 3)
    assert "more than 3 rows" in import_error(load_csv, path)


# ---- npz -------------------------------------------------------------------------------------
def test_npz_with_x_and_y(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, X=np.arange(12.0).reshape(6, 2), Y=np.array([0, 1, 0, 1, 0, 1]),
             class_names=np.array(["no", "yes"]))
    data = load_npz(path)
    assert data.kind == "plane" and data.task == "binary" and data.class_names == ("no", "yes")


def test_npz_images_and_regression_targets(tmp_path):
    path = tmp_path / "img.npz"
    np.savez(path, x=np.full((4, 5, 6), 255, np.uint8), y=np.linspace(0, 1, 8).reshape(4, 2))
    data = load_npz(path)
    assert data.kind == "image" and data.x.shape == (4, 1, 5, 6) and data.x.max() == 1.0
    assert data.task == "regression" and data.output_dim == 2


@pytest.mark.parametrize(("arrays", "expected"), [
    ({"x": np.zeros((3, 2)), "y": np.zeros(4)}, "'x' has 3 samples but 'y' has 4"),
    ({"a": np.zeros(3)}, "needs an array 'x' of inputs and an array 'y' of targets; it holds: a"),
    ({"x": np.array([[1.0, np.nan]]), "y": np.array([1.5])}, "first at sample 1"),
    ({"x": np.array(["a", "b"]), "y": np.zeros(2)}, "'x' must be an array of numbers"),
    ({"x": np.zeros((2, 3, 4, 5, 6)), "y": np.zeros(2)}, "has shape (2, 3, 4, 5, 6)"),
])
def test_bad_npz_files_say_what_is_wrong(tmp_path, arrays, expected):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    assert expected in import_error(load_npz, path)


def test_pickled_npz_arrays_are_never_loaded(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, x=np.array([{"a": 1}, None], dtype=object), y=np.zeros(2))
    assert "never loads" in import_error(load_npz, path)


def test_a_damaged_npz_is_refused(tmp_path):
    path = tmp_path / "cut.npz"
    path.write_bytes(b"PK\x03\x04broken")
    assert import_error(load_npz, path) == (
        "cut.npz: the file is damaged or incomplete (not a complete zip archive)")


# ---- IDX -------------------------------------------------------------------------------------
def idx_bytes(array: np.ndarray, code: int = 0x08) -> bytes:
    header = bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">I", n)
                                                        for n in array.shape)
    return header + array.astype(">u1").tobytes()


def write_mnist(folder: Path, n: int = 5, gz: bool = False) -> tuple[Path, Path]:
    images = np.arange(n * 4 * 3, dtype=np.uint8).reshape(n, 4, 3) * 4
    labels = np.arange(n, dtype=np.uint8) % 3
    suffix = ".gz" if gz else ""
    paths = folder / f"train-images-idx3-ubyte{suffix}", folder / f"train-labels-idx1-ubyte{suffix}"
    for path, array in zip(paths, (images, labels), strict=True):
        raw = idx_bytes(array)
        path.write_bytes(gzip.compress(raw) if gz else raw)
    return paths


@pytest.mark.parametrize("gz", [False, True])
def test_idx_images_and_labels(tmp_path, gz):
    images, labels = write_mnist(tmp_path, gz=gz)
    data = load_idx(images, labels)
    assert data.x.shape == (5, 1, 4, 3) and data.kind == "image" and data.task == "multiclass"
    assert 0.0 <= data.x.min() and data.x.max() <= 1.0
    assert data.y.tolist() == [0, 1, 2, 0, 1] and data.class_names == ("0", "1", "2")
    assert detect_format(images) == "idx"
    assert load_path(images).n_samples == 5  # the labels file is found beside the images


def test_idx_errors_name_the_file(tmp_path):
    images, labels = write_mnist(tmp_path)
    other = tmp_path / "other.idx"
    other.write_bytes(idx_bytes(np.zeros(4, np.uint8)))
    assert "holds 5 images but other.idx holds 4 labels" in import_error(load_idx, images, other)
    assert "swap the two files" in import_error(load_idx, labels, images)
    fake = tmp_path / "fake.idx"
    fake.write_bytes(b"hello world")
    assert "fake.idx: this is not an IDX image file" in import_error(load_idx, fake, labels)
    cut = tmp_path / "cut-idx3"
    cut.write_bytes(images.read_bytes()[:-7])
    assert "cut-idx3: its header announces 5 × 4 × 3 values" in import_error(load_idx, cut, labels)
    lonely = tmp_path / "t10k-images.idx"
    lonely.write_bytes(images.read_bytes())
    assert "need their labels file too" in import_error(load_path, lonely)


# ---- image folders ---------------------------------------------------------------------------
def write_png(path: Path, value: int, size: tuple[int, int] = (6, 4)) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", size, value).save(path)


def test_an_image_folder_with_one_subfolder_per_class(tmp_path):
    for i in range(3):
        write_png(tmp_path / "shapes" / "cats" / f"c{i}.png", 200)
    write_png(tmp_path / "shapes" / "dogs" / "d.png", 50, size=(12, 8))  # resized to 6×4
    data = load_path(tmp_path / "shapes")
    assert data.x.shape == (4, 1, 4, 6) and data.kind == "image" and data.task == "binary"
    assert data.class_names == ("cats", "dogs") and data.y.tolist() == [0, 0, 0, 1]
    assert data.x[0, 0, 0, 0] == pytest.approx(200 / 255)
    assert data.summary() == "4 samples, 4×6 images, 2 classes"
    assert load_image_folder(tmp_path / "shapes", size=(3, 3), grayscale=False).x.shape == \
        (4, 3, 3, 3)


def test_image_folder_problems_name_the_folder_or_file(tmp_path):
    root = tmp_path / "pics"
    root.mkdir()
    assert "pics: the folder has no class sub-folders" in import_error(load_image_folder, root)
    write_png(root / "a.png", 0)
    assert "the images lie directly in it" in import_error(load_image_folder, root)
    write_png(root / "cats" / "c.png", 10)
    assert "only one class ('cats')" in import_error(load_image_folder, root)
    (root / "dogs").mkdir()
    assert "pics/dogs: this class folder has no images" in import_error(load_image_folder, root)
    (root / "dogs" / "broken.png").write_bytes(b"not a png")
    assert "pics/dogs/broken.png: cannot read this image" in \
        import_error(load_image_folder, root)


def test_unknown_files_say_what_can_be_imported(tmp_path):
    path = write(tmp_path, "notes.doc", "hello")
    assert "notes.doc: cannot tell what data this is; import a .csv" in \
        import_error(load_path, path)
    assert "missing.csv: no such file" in import_error(load_path, tmp_path / "missing.csv")


# ---- data sets and projects ------------------------------------------------------------------
def test_imported_data_are_shuffled_from_the_seed_and_split(tmp_path):
    data = load_csv(write(tmp_path, "iris.csv", IRIS))
    config = DataConfig(name="imported", n_samples=6, train_fraction=0.5, seed=3)
    first, again = make_dataset(config, data), make_dataset(config, data)
    assert first.x_train.shape == (3, 3) and first.x_test.shape == (3, 3)
    np.testing.assert_array_equal(first.x_train, again.x_train)
    assert sorted(np.concatenate([first.y_train, first.y_test]).tolist()) == [0, 0, 1, 1, 2, 2]
    assert first.info.title == "iris.csv" and first.feature_names == data.feature_names
    assert first.info.class_name(2) == "virginica"
    assert make_dataset(DataConfig(name="imported", n_samples=4), data).x_train.shape[0] == 2


def test_imported_images_can_be_autoencoded(tmp_path):
    data = load_idx(*write_mnist(tmp_path, n=6))
    dataset = make_dataset(DataConfig(name="imported", n_samples=6, autoencode=True), data)
    assert dataset.task == "regression" and dataset.y_train.shape == (3, 12)
    assert dataset.labels_train is not None


def test_a_config_for_imported_data_needs_the_data():
    with pytest.raises(ValueError, match="import the file again"):
        make_dataset(DataConfig(name="imported"))


def imported_project(tmp_path) -> Project:
    project = load_preset("gauss")
    changes = project.import_data(load_csv(write(tmp_path, "iris.csv", IRIS)))
    assert "Input shape set to [3]" in changes
    return project


def test_projects_carry_their_imported_data(tmp_path):
    project = imported_project(tmp_path)
    assert project.network.of_kind("Output")[0].params["units"] == 3
    path = save_project(project, tmp_path / "mine.playground")
    with zipfile.ZipFile(path) as archive:
        assert {"project.json", "data.npz"} <= set(archive.namelist())
    loaded = load_project(path)
    assert loaded.to_dict()["format_version"] == 2
    np.testing.assert_array_equal(loaded.imported.x, project.imported.x)
    np.testing.assert_array_equal(loaded.imported.y, project.imported.y)
    assert loaded.imported.class_names == ("setosa", "versicolor", "virginica")
    np.testing.assert_array_equal(loaded.dataset().x_train, project.dataset().x_train)


def test_projects_without_imported_data_stay_format_1(tmp_path):
    project = load_preset("gauss")
    assert project.to_dict()["format_version"] == 1
    assert load_project(save_project(project, tmp_path / "old.playground")).imported is None


def test_imported_data_need_the_zip_format(tmp_path):
    project = imported_project(tmp_path)
    with pytest.raises(ProjectError, match="saved as a .playground file"):
        save_project(project, tmp_path / "mine.json")


def test_pickled_or_missing_project_data_are_refused(tmp_path):
    path = save_project(imported_project(tmp_path), tmp_path / "mine.playground")
    with zipfile.ZipFile(path) as archive:
        text = archive.read("project.json")
    evil = tmp_path / "evil.playground"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("project.json", text)
        buffer = tmp_path / "objects.npz"
        np.savez(buffer, x=np.array([None, 1], dtype=object), y=np.zeros(2))
        archive.writestr("data.npz", buffer.read_bytes())
    with pytest.raises(ProjectError, match="the imported data .data.npz. are damaged"):
        load_project(evil)
    text_arrays = tmp_path / "text.playground"
    with zipfile.ZipFile(text_arrays, "w") as archive:
        archive.writestr("project.json", text)
        np.savez(buffer, x=np.array([["a", "b"]] * 6), y=np.zeros(6))
        archive.writestr("data.npz", buffer.read_bytes())
    with pytest.raises(ProjectError, match="imported data: the imported arrays must be numbers"):
        load_project(text_arrays)
    missing = tmp_path / "missing.playground"
    with zipfile.ZipFile(missing, "w") as archive:
        archive.writestr("project.json", text)
    with pytest.raises(ProjectError, match="arrays are missing"):
        load_project(missing)


def test_imported_data_validate_their_arrays():
    with pytest.raises(DataImportError, match="3 samples but 2 targets"):
        ImportedData(np.zeros((3, 2)), np.zeros(2), task="binary", kind="plane",
                     class_names=("a", "b"))
