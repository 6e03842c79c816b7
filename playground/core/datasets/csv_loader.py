"""CSV import: read the cells once (delimiter and header detected), then choose the label and
feature columns and the task. Row numbers in messages are the spreadsheet's (1-based, the
header is row 1); columns are given by number and name.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground.core import limits
from playground.core.datasets.imported import (
    MAX_ROWS,
    TASKS,
    DataImportError,
    ImportedData,
    auto_task,
    class_task,
    encode_classes,
    read_bytes,
    table_kind,
)
from playground.core.datasets.info import TASK_REGRESSION
from playground.core.errors import shown

AUTO = "auto"
DELIMITERS = ",;\t|"
# csv.Sniffer's quote guess takes time quadratic in its sample (20 s for 80 KB full of
# quotes), so it sees only the start: about 0.1 s at worst, and enough for 20 ordinary lines.
SNIFF_CHARS = 2048
CHECK_LINES = 20  # lines whose widths must agree for a delimiter to be believed
PROGRESS_ROWS = 5000  # rows read between two progress reports
FLOAT32_MAX = float(np.finfo(np.float32).max)
MISSING = {"", "na", "n/a", "nan", "null", "none", "?", "-"}

Column = str | int


@dataclass(frozen=True, eq=False)
class CsvTable:
    """The text cells of a CSV file, with the spreadsheet row number of every data row."""

    source: str
    names: tuple[str, ...]
    rows: list[list[str]]
    row_numbers: list[int]
    delimiter: str
    has_header: bool

    @property
    def width(self) -> int:
        return len(self.names)

    def cells(self, column: int) -> list[str]:
        return [row[column] for row in self.rows]

    def numeric_columns(self) -> list[int]:
        """Columns whose filled cells are mostly numbers (text columns are not features)."""
        numeric = []
        for column in range(self.width):
            filled = [c for c in self.cells(column) if c.strip().lower() not in MISSING]
            numbers = sum(_is_number(c, self.delimiter) for c in filled)
            if filled and numbers * 2 > len(filled):
                numeric.append(column)
        return numeric

    def describe(self, column: int) -> str:
        """'column 3 ("petal length")' — as messages name a column."""
        return f'column {column + 1} ("{shown(self.names[column])}")'

    def column_index(self, column: Column, what: str) -> int:
        """A column by header name, by 0-based index (int) or by 1-based number (text)."""
        if isinstance(column, int) and not isinstance(column, bool):
            if -self.width <= column < self.width:
                return column % self.width
        else:
            text = str(column).strip()
            lowered = [n.lower() for n in self.names]
            if text.lower() in lowered:
                return lowered.index(text.lower())
            if text.isdigit() and 1 <= int(text) <= self.width:
                return int(text) - 1
        raise DataImportError(f"{self.source}: there is no {what} column {column!r}; the "
                              f"columns are: {shown(', '.join(self.names), 200)}")


def read_table(path: str | Path, progress: Callable[[float], None] | None = None) -> CsvTable:
    """Read a CSV file's cells; the delimiter and a header row are detected. `progress` is
    told the share of the lines read, every few thousand rows."""
    path = Path(path)
    raw = read_bytes(path)
    _check_lines(path.name, raw)
    text = _decode(path, raw)
    delimiter = _delimiter(text)
    records = _records(path.name, text, delimiter, progress)
    numbered = [(i + 1, [c.strip() for c in r]) for i, r in enumerate(records)
                if any(c.strip() for c in r)]
    if not numbered:
        raise DataImportError(f"{path.name}: the file is empty")
    if len(numbered) > MAX_ROWS + 1:
        raise DataImportError(f"{path.name}: more than {MAX_ROWS:,} rows; the playground "
                              "imports up to that many: import a sample of the rows")
    has_header = _has_header(numbered, delimiter)
    first = numbered[0][1]
    names = tuple(c or f"column {i + 1}" for i, c in enumerate(first)) if has_header \
        else tuple(f"column {i + 1}" for i in range(len(first)))
    body = numbered[1:] if has_header else numbered
    if len(names) < 2:
        raise DataImportError(f"{path.name}: found a single column; separate the values by "
                              "commas, semicolons or tabs, e.g. save it again as CSV")
    if not body:
        raise DataImportError(f"{path.name}: the file has a header but no data rows")
    rows = [_fit_width(path.name, number, row, len(names)) for number, row in body]
    return CsvTable(path.name, names, rows, [n for n, _ in body], delimiter, has_header)


def load_csv(path: str | Path, label: Column | None = None,
             features: Sequence[Column] | None = None, task: str = AUTO,
             progress: Callable[[float], None] | None = None) -> ImportedData:
    """Import a CSV file: `label` defaults to the last column, `features` to every other
    numeric column; `task` "auto" picks classification for few whole-number or text labels."""
    return import_table(read_table(path, progress), label, features, task)


def import_table(table: CsvTable, label: Column | None = None,
                 features: Sequence[Column] | None = None, task: str = AUTO) -> ImportedData:
    """Turn a read table into samples; every bad cell is named by row and column."""
    if task != AUTO and task not in TASKS:
        raise DataImportError(f"unknown task {task!r}; use auto, {', '.join(TASKS)}")
    target = table.width - 1 if label is None else table.column_index(label, "label")
    if features is None:
        inputs = [c for c in table.numeric_columns() if c != target]
        if not inputs:
            raise DataImportError(f"{table.source}: no numeric columns besides the label "
                                  f"{table.describe(target)}; choose the feature columns")
    else:
        inputs = [table.column_index(f, "feature") for f in features]
        if not inputs:
            raise DataImportError(f"{table.source}: choose at least one feature column")
        if target in inputs:
            raise DataImportError(f"{table.source}: {table.describe(target)} is the label; it "
                                  "cannot be a feature too")
        if len(set(inputs)) != len(inputs):
            raise DataImportError(f"{table.source}: each feature column may be chosen once")
    x = np.column_stack([_numbers(table, c) for c in inputs]).astype(np.float32)
    y, task, classes = _targets(table, target, task)
    return ImportedData(x, y, task=task, kind=table_kind(len(inputs), task),
                        class_names=classes, feature_names=tuple(table.names[c] for c in inputs),
                        source=table.source)


# ---- reading ---------------------------------------------------------------------------------
def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw[:4096]:
        raise DataImportError(f"{path.name}: this is not a CSV text file (it holds binary "
                              "data); export the data as CSV from your spreadsheet")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # a spreadsheet's "CSV" on Windows


def _check_lines(source: str, raw: bytes) -> None:
    """Refuse a line longer than the limit before any of it is split into cells."""
    most, start = limits.CSV_LINE.value, 0
    while start < len(raw):
        end = raw.find(b"\n", start)
        end = len(raw) if end < 0 else end
        if end - start > most:
            line = raw.count(b"\n", 0, start) + 1
            too_long = limits.CSV_LINE.exceeded(f"a line of {end - start:,} characters")
            raise DataImportError(f"{source}: line {line:,}: {too_long}; is this really a CSV "
                                  "table?")
        start = end + 1


def _records(source: str, text: str, delimiter: str,
             progress: Callable[[float], None] | None) -> list[list[str]]:
    """The file's rows of cells; a cell over the field limit (often a quote that is never
    closed, which swallows the rest of the file) is named by its line. `progress` hears the
    share of the lines read, every few thousand rows."""
    csv.field_size_limit(limits.CSV_FIELD.value)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter,
                        skipinitialspace=delimiter == " ")
    lines, records = text.count("\n") + 1, []
    try:
        for record in reader:
            if len(record) > limits.CSV_COLUMNS.value:
                too_wide = limits.CSV_COLUMNS.exceeded(f"a row of {len(record):,} columns")
                raise DataImportError(f"{source}: line {reader.line_num:,}: {too_wide}")
            records.append(record)
            if progress is not None and len(records) % PROGRESS_ROWS == 0:
                progress(reader.line_num / lines)
    except csv.Error:
        raise DataImportError(
            f"{source}: from line {reader.line_num:,} on a cell is longer than "
            f"{limits.CSV_FIELD.text()} characters: most likely a quote (\") there is never "
            f"closed; close it (or set {limits.CSV_FIELD.env} for longer cells)") from None
    return records


def _width(text: str, delimiter: str) -> int:
    """The most common number of cells in the first lines, split by `delimiter`."""
    lines = [line for line in text[:SNIFF_CHARS * 32].splitlines()[:CHECK_LINES] if line.strip()]
    widths = [len(row) for row in csv.reader(lines, delimiter=delimiter,
                                             skipinitialspace=delimiter == " ")]
    return Counter(widths).most_common(1)[0][0] if widths else 0


def _delimiter(text: str) -> str:
    """csv.Sniffer's guess if it splits the first lines, else the delimiter that splits them
    into the most columns; runs of spaces as a last resort."""
    sample = text[:SNIFF_CHARS]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed and _width(text, sniffed) > 1:
        return sniffed
    best, best_width = ",", 1
    for candidate in (*DELIMITERS, " "):
        if (width := _width(text, candidate)) > best_width:
            best, best_width = candidate, width
    return best


def _has_header(numbered: list[tuple[int, list[str]]], delimiter: str) -> bool:
    """A header when no cell of the first row is a number, or when a column is text in the
    first row but numbers below it."""
    first = numbered[0][1]
    if not any(_is_number(c, delimiter) for c in first):
        return True
    below = [row for _, row in numbered[1:CHECK_LINES + 1]]
    for i, cell in enumerate(first):
        column = [row[i] for row in below if i < len(row) and row[i]]
        if (not _is_number(cell, delimiter) and column
                and all(_is_number(c, delimiter) for c in column)):
            return True
    return False


def _fit_width(source: str, number: int, row: list[str], width: int) -> list[str]:
    """The row with exactly `width` cells (empty cells at the end are dropped)."""
    while len(row) > width and not row[-1]:
        row = row[:-1]
    if len(row) != width:
        values = "1 value" if len(row) == 1 else f"{len(row)} values"
        raise DataImportError(f"{source}: row {number} has {values} but the first "
                              f"row has {width}; fix that row (a missing or extra value, or a "
                              "different delimiter or unquoted text)")
    return row


# ---- numbers ---------------------------------------------------------------------------------
def _number(cell: str, delimiter: str) -> float:
    """A cell as a float; a decimal comma is read where commas do not separate values."""
    try:
        return float(cell)
    except ValueError:
        if delimiter != "," and "," in cell:
            return float(cell.replace(",", "."))
        raise


def _is_number(cell: str, delimiter: str) -> bool:
    try:
        _number(cell, delimiter)
    except ValueError:
        return False
    return True


def _numbers(table: CsvTable, column: int, what: str = "value") -> np.ndarray:
    """A column as float64; a missing, non-numeric or infinite cell is named precisely."""
    cells = table.cells(column)
    try:
        values = np.array(cells, dtype=np.float64)
    except ValueError:
        values = np.empty(len(cells))
        for i, cell in enumerate(cells):
            if cell.lower() in MISSING:
                values[i] = np.nan
                continue
            try:
                values[i] = _number(cell, table.delimiter)
            except ValueError:
                fix = ("leave that column out of the features" if what == "value"
                       else "choose classification")
                raise DataImportError(
                    f"{table.source}: row {table.row_numbers[i]}, {table.describe(column)} "
                    f'holds "{shown(cell)}", which is not a number; correct it, or {fix}') from None
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        problem = "is infinite" if np.isinf(values[i]) else "is missing"
        raise DataImportError(f"{table.source}: row {table.row_numbers[i]}, "
                              f"{table.describe(column)}: the {what} {problem}; fill it in or "
                              "delete that row")
    huge = np.abs(values) > FLOAT32_MAX
    if huge.any():
        i = int(np.argmax(huge))
        raise DataImportError(f"{table.source}: row {table.row_numbers[i]}, "
                              f"{table.describe(column)}: {shown(table.cells(column)[i])} is too "
                              "large (the playground computes with 32-bit numbers, which end at "
                              "about 3.4e38); scale the column down, e.g. use other units")
    return values


def _targets(table: CsvTable, column: int, task: str) -> tuple[np.ndarray, str, tuple[str, ...]]:
    """Targets, the task (resolved from "auto") and the class names."""
    cells = table.cells(column)
    for i, cell in enumerate(cells):
        if cell.lower() in MISSING - {"-"}:
            raise DataImportError(f"{table.source}: row {table.row_numbers[i]}, "
                                  f"{table.describe(column)}: the label is missing; fill it in "
                                  "or delete that row")
    if all(_is_number(c, table.delimiter) for c in cells):
        values = _numbers(table, column, "label")
        task = auto_task(values) if task == AUTO else task
        if task == TASK_REGRESSION:
            return values.reshape(-1, 1), task, ()
        y, names = encode_classes(values)
        return y, task, names
    if task == TASK_REGRESSION:
        _numbers(table, column, "label")  # names the first cell that is not a number
    y, names = encode_classes(cells)
    return y, class_task(len(names)) if task == AUTO else task, names
