"""Project files: architecture, data and training settings, and trained weights, in one file.

A `.playground` file is a zip holding `project.json` (readable, versioned), once trained
`weights.safetensors` (plain arrays, no pickle) and, with imported data, `data.npz` (read
with `allow_pickle=False`). A `.json` project holds the same JSON with
any weights inline as nested lists, which is how presets are shipped. Writing is atomic: a
temporary file is renamed over the target only when complete.

Training settings missing from a file take their defaults: a file written before
`epoch_limit` existed reads with the limit off (the window trains until paused) and keeps
its `epochs`, which batch runs such as `playground train` still train.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import save as save_safetensors

from playground.core import archives, files, limits
from playground.core.datafit import fit_to_data
from playground.core.datasets import DataConfig, DataConfigError, Dataset, make_dataset
from playground.core.datasets.base import MAX_SAMPLES
from playground.core.datasets.imported import IMPORTED, DataImportError, ImportedData
from playground.core.errors import PlaygroundError
from playground.core.graph import analyse
from playground.core.layers import SpecError
from playground.core.spec import NetworkSpec
from playground.core.training.config import TrainConfig, TrainConfigError

FORMAT_VERSION = 2  # 2 added imported data; projects without any are still written as 1
_PLAIN_VERSION = 1
SUFFIX = ".playground"
_JSON_NAME = "project.json"
_WEIGHTS_NAME = "weights.safetensors"
_DATA_NAME = "data.npz"


class ProjectError(PlaygroundError):
    """A project file cannot be read or written; the message names the file and the problem."""


@dataclass
class Project:
    """Everything a user builds: the network, its data and training settings, its weights."""

    network: NetworkSpec
    data: DataConfig = field(default_factory=DataConfig)
    training: TrainConfig = field(default_factory=TrainConfig)
    title: str = "Untitled"
    description: str = ""
    hint: str = ""
    weights: dict[str, np.ndarray] | None = None
    metrics: dict[str, Any] | None = None
    imported: ImportedData | None = None

    @property
    def trained_epochs(self) -> int:
        """How many epochs the weights were trained for (0 without trained weights)."""
        epochs = self.metrics.get("epochs", 0) if isinstance(self.metrics, dict) else 0
        if self.weights is None or isinstance(epochs, bool) or not isinstance(epochs, int):
            return 0
        return max(epochs, 0)

    def dataset(self) -> Dataset:
        """The data set the project trains on (its imported data, if it uses them)."""
        return make_dataset(self.data, self.imported)

    def import_data(self, imported: ImportedData, dataset: Dataset | None = None) -> list[str]:
        """Train on `imported` from now on (same split and seed) and fit the network's Input
        and Output to it; trained weights that no longer fit are dropped. `dataset` is the
        data set `imported_dataset` built ahead (off a window's thread, say), used if it
        fits the new settings. Returns what changed, in words."""
        self.imported = imported
        self.data = _imported_config(self.data, imported)
        if dataset is None or dataset.config != self.data:
            dataset = self.dataset()
        changes = fit_to_data(self.network, dataset)
        if changes:
            self.weights = None
        if dataset.scaling is not None:
            what = "features and targets" if dataset.scaling.scales_targets else "features"
            changes.append(f"Standardised the {what} with the training split's mean and std "
                           "(the Standardise switch, or --no-standardize, keeps raw values)")
        if imported.n_samples > MAX_SAMPLES:
            changes.append(f"Using {MAX_SAMPLES:,} of the {imported.n_samples:,} samples")
        return changes

    def to_dict(self) -> dict[str, Any]:
        """The JSON part (weights and imported arrays are stored beside it)."""
        data: dict[str, Any] = {
            "format_version": FORMAT_VERSION if self.imported else _PLAIN_VERSION,
            "title": self.title,
            "description": self.description,
        }
        if self.hint:
            data["hint"] = self.hint
        data |= {
            "network": self.network.to_dict(),
            "data": self.data.to_dict(),
            "training": self.training.to_dict(),
        }
        if self.metrics:
            data["metrics"] = self.metrics
        if self.imported is not None:
            data["imported"] = self.imported.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Any, weights: dict[str, np.ndarray] | None = None,
                  arrays: dict[str, np.ndarray] | None = None) -> Project:
        """Check and read project JSON (with the imported `arrays` x and y, if any); raises
        ProjectError naming the faulty part."""
        if not isinstance(data, dict):
            raise ProjectError("the project must be a JSON object")
        _check_version(data.get("format_version"))
        known = {"format_version", "title", "description", "hint", "network", "data",
                 "training", "metrics", "weights", "imported"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ProjectError(f"unknown entries {unknown}; was the file edited by hand?")
        if "network" not in data:
            raise ProjectError("the project has no 'network'")
        parts = (("network", NetworkSpec.from_dict, SpecError),
                 ("data", _data_config, DataConfigError),
                 ("training", TrainConfig.from_dict, TrainConfigError))
        built = {}
        for key, reader, error in parts:
            try:
                built[key] = reader(data.get(key, {}))
            except (error, TypeError) as err:
                raise ProjectError(f"{key}: {err}") from None
        if weights is None and "weights" in data:
            weights = _inline_weights(data["weights"])
        project = cls(
            built["network"], built["data"], built["training"],
            title=_text(data, "title", "Untitled"), description=_text(data, "description"),
            hint=_text(data, "hint"), metrics=data.get("metrics"),
            imported=_imported(data.get("imported"), arrays),
        )
        if project.data.name == IMPORTED and project.imported is None:
            raise ProjectError("the project uses imported data but the file holds none; "
                               "import the data file again")
        if weights is not None:
            project.weights = _checked_weights(project.network, weights)
        return project


def imported_dataset(imported: ImportedData, current: DataConfig) -> Dataset:
    """The data set a project with the data settings `current` trains on once it imports
    `imported`: build it ahead, where waiting does not matter, for `Project.import_data`."""
    return make_dataset(_imported_config(current, imported), imported)


def _imported_config(current: DataConfig, imported: ImportedData) -> DataConfig:
    """The data settings for `imported`: every sample up to the limit, the same split and
    seed."""
    return DataConfig(name=IMPORTED, n_samples=min(imported.n_samples, MAX_SAMPLES),
                      train_fraction=current.train_fraction, seed=current.seed)


def _data_config(data: Any) -> DataConfig:
    """The data settings; files from before standardising existed trained on raw values, so
    they keep doing so."""
    if isinstance(data, dict) and "standardize" not in data:
        data = {**data, "standardize": False}
    return DataConfig.from_dict(data)


def _text(data: dict[str, Any], key: str, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ProjectError(f"'{key}' must be text")
    return value


def _check_version(version: Any) -> None:
    if version is None:
        raise ProjectError("this is not a playground project (it has no 'format_version')")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ProjectError(f"'format_version' must be a whole number ≥ 1, not {version!r}")
    if version > FORMAT_VERSION:
        raise ProjectError(f"the file was saved by a newer playground (format {version}; this "
                           f"version reads up to {FORMAT_VERSION}): update the app to open it")


def _imported(data: Any, arrays: dict[str, np.ndarray] | None) -> ImportedData | None:
    """The imported data set from its description and the arrays stored beside it."""
    if data is None:
        return None
    if arrays is None or not {"x", "y"} <= set(arrays):
        raise ProjectError(f"the imported data's arrays are missing (they are kept in "
                           f"{_DATA_NAME} inside a {SUFFIX} file)")
    try:
        return ImportedData.from_dict(data, arrays["x"], arrays["y"])
    except DataImportError as err:
        raise ProjectError(f"imported data: {err}") from None


def _inline_weights(data: Any) -> dict[str, np.ndarray]:
    """Weights written in JSON as {"node": {"weight": [[...]], "bias": [...]}}."""
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ProjectError("'weights' must map each node to its named arrays")
    arrays = {}
    for node, named in data.items():
        for name, values in named.items():
            try:
                arrays[f"{node}.{name}"] = np.asarray(values, dtype=np.float32)
            except (TypeError, ValueError):
                raise ProjectError(f"weights '{node}.{name}' are not a numeric array") from None
    return arrays


def _checked_weights(spec: NetworkSpec, weights: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Weights must load into the network exactly; the network must then be valid."""
    info = analyse(spec)
    if not info.ok:
        raise ProjectError(f"the file has trained weights but its network is invalid: "
                           f"{info.issues[0].message}")
    from playground.core.model import build_model  # torch only when weights are present

    model = build_model(spec)
    try:
        model.load_state_arrays(weights)
    except SpecError as err:
        raise ProjectError(f"weights: {err}") from None
    return model.state_arrays()


# ---- files -----------------------------------------------------------------------------------
def save_project(project: Project, path: str | Path) -> Path:
    """Write the project atomically; `.json` writes plain JSON, anything else the zip format."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        if project.imported is not None:
            raise ProjectError(f"cannot write {path.name}: a project with imported data is "
                               f"saved as a {SUFFIX} file")
        payload = _json_bytes(project, inline_weights=True)
    else:
        payload = _zip_bytes(project)
    return files.write_bytes(path, payload, ProjectError)


def _json_bytes(project: Project, inline_weights: bool) -> bytes:
    data = project.to_dict()
    if inline_weights and project.weights:
        nested: dict[str, dict[str, Any]] = {}
        for key, array in project.weights.items():
            node, name = key.split(".", 1)
            nested.setdefault(node, {})[name] = array.tolist()
        data["weights"] = nested
    return (_compact(json.dumps(data, indent=2, ensure_ascii=False)) + "\n").encode("utf-8")


def _compact(text: str) -> str:
    """Put lists of numbers on one line, so shapes and weights read like matrices.

    Only lists that json.dumps spread over several lines are touched: a newline never
    occurs inside a JSON string (it is escaped), so text in titles stays verbatim.
    """
    return re.sub(r"\[\n\s*([-+0-9.eE,\s]*?)\n\s*\]",
                  lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)


def _zip_bytes(project: Project) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_JSON_NAME, _json_bytes(project, inline_weights=False))
        if project.weights:
            arrays = {k: np.ascontiguousarray(v) for k, v in project.weights.items()}
            archive.writestr(_WEIGHTS_NAME, save_safetensors(arrays))
        if project.imported is not None:
            data = io.BytesIO()
            np.savez_compressed(data, x=project.imported.x, y=project.imported.y)
            archive.writestr(_DATA_NAME, data.getvalue())
    return buffer.getvalue()


def load_project(path: str | Path) -> Project:
    """Read a project file; any problem raises ProjectError naming the file and the cause."""
    path = Path(path)
    try:
        return _load(path)
    except ProjectError as err:
        raise ProjectError(f"{path.name}: {err}") from None


def _load(path: Path) -> Project:
    try:
        raw = limits.read_file(path, limits.PROJECT_FILE, "project file")
    except PlaygroundError as err:
        raise ProjectError(str(err)) from None
    if raw[:2] == b"PK":
        return _load_zip(raw)
    return Project.from_dict(_parse_json(raw))


def _parse_json(raw: bytes) -> Any:
    if len(raw) > limits.JSON_TEXT.value:
        raise ProjectError(str(limits.JSON_TEXT.exceeded("the project description")))
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProjectError("this is neither a playground project nor JSON text") from None
    except json.JSONDecodeError as err:
        raise ProjectError(f"the JSON is malformed at line {err.lineno}, column {err.colno}: "
                           f"{err.msg}; the file may be truncated or edited by hand") from None
    except RecursionError:
        raise ProjectError(str(limits.JSON_DEPTH.exceeded("the JSON's nesting"))) from None
    except ValueError:  # an integer of more than 4,300 digits
        raise ProjectError("the JSON holds a number with thousands of digits, which no "
                           "playground project has; the file is damaged or is not a project"
                           ) from None
    try:
        limits.check_depth(data)
    except limits.LimitExceeded as err:
        raise ProjectError(str(err)) from None
    return data


def _load_zip(raw: bytes) -> Project:
    try:
        with archives.open_zip(raw) as archive:
            names = set(archive.namelist())
            if _JSON_NAME not in names:
                raise ProjectError(f"the archive has no {_JSON_NAME}; it is not a playground "
                                   "project")
            data = _parse_json(archives.read_member(archive, _JSON_NAME))
            weights = arrays = None
            if _WEIGHTS_NAME in names:
                weights = archives.read_safetensors(archives.read_member(archive, _WEIGHTS_NAME))
            if _DATA_NAME in names:
                arrays = _read_arrays(archive)
    except (archives.ArchiveError, limits.LimitExceeded) as err:
        raise ProjectError(str(err)) from None
    return Project.from_dict(data, weights, arrays)


def _read_arrays(archive: zipfile.ZipFile) -> dict[str, np.ndarray]:
    """The imported arrays; nothing in them is ever unpickled."""
    try:
        return archives.read_npz(archives.read_member(archive, _DATA_NAME))
    except archives.ArchiveError as err:
        raise ProjectError(f"the imported data ({_DATA_NAME}) are damaged: {err}") from None
