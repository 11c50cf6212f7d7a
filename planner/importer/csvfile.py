"""Reading one CSV export: UTF-8, a header row, rows numbered as a spreadsheet shows them."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from planner.importer.fields import Fields, IssueLog, Place
from planner.importer.messages import Issue


class CsvRow(Fields):
    """One data row of a CSV file; `row` is its spreadsheet row number (header = 1)."""

    def __init__(self, log: IssueLog, file: str, row: int, values: Mapping[str, object]) -> None:
        super().__init__(log, values)
        self.file = file
        self.row = row

    def place(self, key: str | None) -> Place:
        return Place(self.file, self.row, key)


def _decode(data: bytes, file: str, log: IssueLog) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        log.add(Issue(file, line, None, None, "file.not_utf8"))
        return None


def _header_ok(header: list[str], columns: Sequence[str], file: str, log: IssueLog) -> bool:
    ok = True
    seen: set[str] = set()
    for name in header:
        if name in seen and name:
            log.add(Issue(file, 1, name, name, "file.duplicate_column", {"column": name}))
            ok = False
        seen.add(name)
    for column in columns:
        if column not in seen:
            log.add(Issue(file, 1, column, None, "file.missing_column", {"column": column}))
            ok = False
    return ok


def _rows(records: list[list[str]], header: list[str], file: str, log: IssueLog) -> list[CsvRow]:
    rows: list[CsvRow] = []
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank line
        if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
            log.add(
                Issue(
                    file,
                    number,
                    None,
                    None,
                    "file.too_many_fields",
                    {"count": len(record), "expected": len(header)},
                )
            )
            continue
        values = dict(zip(header, record, strict=False))
        rows.append(CsvRow(log, file, number, values))
    return rows


def read_csv(path: Path, file: str, columns: Sequence[str], log: IssueLog) -> list[CsvRow] | None:
    """The data rows of a CSV file, or None when the file cannot be read at all.

    `file` is the name used in messages; `columns` are the columns the header must
    have (other columns are ignored). Problems are logged to `log`.
    """
    if not path.is_file():
        log.add(Issue(file, None, None, None, "file.missing", {"path": str(path)}))
        return None
    text = _decode(path.read_bytes(), file, log)
    if text is None:
        return None
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        log.add(Issue(file, None, None, None, "file.empty"))
        return None
    header = [name.strip() for name in records[0]]
    if not _header_ok(header, columns, file, log):
        return None
    return _rows(records[1:], header, file, log)
