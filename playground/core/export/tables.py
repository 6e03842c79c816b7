"""The `csv` export: the training history (one row per epoch) and the current metrics."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

from playground.core.export.base import Source, fitted_dataset
from playground.core.export.files import ExportError, write_text
from playground.core.project import Project
from playground.core.training.engine import TrainerBase
from playground.core.training.history import thinning_note
from playground.core.training.snapshots import EpochRecord

HISTORY_COLUMNS = tuple(f.name for f in fields(EpochRecord))


def history_csv(history: Sequence[EpochRecord]) -> str:
    """One row per epoch kept; empty cells where a metric was not measured that epoch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HISTORY_COLUMNS)
    for record in history:
        writer.writerow(["" if v is None else v for v in record.to_dict().values()])
    return buffer.getvalue()


def stored_history(project: Project) -> list[EpochRecord]:
    """The history a project file keeps (`playground train` stores it), oldest first."""
    names = set(HISTORY_COLUMNS)
    try:
        records = (project.metrics or {}).get("history") or []
        return [EpochRecord(**{k: v for k, v in r.items() if k in names}) for r in records]
    except (TypeError, AttributeError):
        raise ExportError("the project's stored training history is damaged; train it "
                          "again to export one") from None


def metrics_csv(metrics: dict[str, float | str | None]) -> str:
    """Rows of metric, value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("metric", "value"))
    writer.writerows((name, "" if value is None else value) for name, value in metrics.items())
    return buffer.getvalue()


def current_metrics(source: Source) -> dict[str, float | None]:
    """Loss and accuracy of the exported weights on both splits of the project's data."""
    project = source.project
    trainer = TrainerBase(project.network, fitted_dataset(project), project.training,
                          source.model.state_arrays())
    return trainer.evaluate()


def metrics_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}-metrics.csv")


def write(source: Source, path: Path, history: Sequence[EpochRecord]) -> tuple[str, Path]:
    """Write the history to `path` and the metrics beside it; returns the message and the
    metrics file."""
    extra = metrics_path(path)
    history = history or stored_history(source.project)
    note = thinning_note(history)
    metrics: dict[str, float | str | None] = dict(current_metrics(source))
    if note:
        metrics["history_kept"] = note
    write_text(extra, metrics_csv(metrics))
    write_text(path, history_csv(history))
    if history:
        rows = f"{len(history)} epochs (empty cells: not measured that epoch)"
        if note:
            rows = f"{len(history)} rows (empty cells: not measured that epoch): a long run's " \
                   f"history, thinned: {note}"
    else:
        rows = ("no epochs: this project file keeps no training history; export from File → "
                "Export… after training in the app, or train it with `playground train`, "
                "which keeps the history in the project it writes")
    return (f"Wrote the training history to {path} ({rows}) and the current loss and "
            f"accuracy on the training and test data to {extra}.\n"
            "Read them with:\n"
            "    import csv\n"
            f"    rows = list(csv.DictReader(open({str(path)!r})))" + source.note(), extra)
