"""Reading dealer.toml with tomllib, and pointing at the line where each key was written.

tomllib gives values but no positions, so `TomlLines` scans the text once for table
headers (`[a.b]`, `[[a]]`) and `key =` lines. Problems can then name the line of the
key (or of its table, when the key is missing), as a user editing the file sees it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from planner.importer.fields import Fields, IssueLog, Place
from planner.importer.messages import Issue

PathKey = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\s-]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+(?:\s*\.\s*[A-Za-z0-9_-]+)*)\s*=")
_SYNTAX_LINE = re.compile(r"at line (\d+)")


class TomlLines:
    """Line numbers of the tables and keys of a TOML text (1-based)."""

    def __init__(self, text: str) -> None:
        self._lines: dict[PathKey, int] = {}
        self._array_index: dict[PathKey, int] = {}
        prefix: PathKey = ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header:
                names = [name.strip() for name in header.group(2).split(".")]
                prefix = self._open_table(names, is_array=header.group(1) == "[[")
                self._lines.setdefault(prefix, number)
                continue
            key = _KEY.match(line)
            if key:
                parts = tuple(part.strip() for part in key.group(1).split("."))
                self._lines.setdefault(prefix + parts, number)

    def _resolve(self, names: Sequence[str]) -> PathKey:
        path: PathKey = ()
        for name in names:
            path += (name,)
            if path in self._array_index:
                path += (self._array_index[path],)
        return path

    def _open_table(self, names: list[str], is_array: bool) -> PathKey:
        if not is_array:
            return self._resolve(names)
        array = (*self._resolve(names[:-1]), names[-1])
        self._array_index[array] = self._array_index.get(array, -1) + 1
        return (*array, self._array_index[array])

    def line_of(self, path: PathKey) -> int | None:
        """The line of `path`, or of the nearest enclosing table written in the file."""
        for end in range(len(path), 0, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
        return None


def _label(path: PathKey) -> str:
    return ".".join(str(part) for part in path if isinstance(part, str))


class TomlTable(Fields):
    """One table of dealer.toml (e.g. the third [[technicians]]), at `path`."""

    def __init__(
        self,
        log: IssueLog,
        file: str,
        lines: TomlLines,
        path: PathKey,
        values: Mapping[str, object],
    ) -> None:
        super().__init__(log, values)
        self.file = file
        self.lines = lines
        self.path = path

    def place(self, key: str | None) -> Place:
        path = self.path if key is None else (*self.path, key)
        return Place(self.file, self.lines.line_of(path), _label(path) if key is not None else None)

    def child(self, key: str) -> TomlTable | None:
        """The sub-table at `key` (None when absent; a non-table is logged)."""
        raw = self.values.get(key)
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.report(key, "toml.not_a_table", raw)
            return None
        return TomlTable(self.log, self.file, self.lines, (*self.path, key), raw)

    def children(self, key: str) -> list[TomlTable]:
        """The tables of an array of tables ([[key]]); a wrong shape is logged."""
        raw = self.values.get(key)
        if raw is None:
            return []
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            self.report(key, "toml.not_a_list_of_tables", None, column=key)
            return []
        return [
            TomlTable(self.log, self.file, self.lines, (*self.path, key, i), item)
            for i, item in enumerate(raw)
        ]

    def reject_unknown_keys(self, allowed: Sequence[str]) -> None:
        """Log every key that is not in `allowed` (a typo would otherwise be ignored)."""
        for key in self.values:
            if key not in allowed:
                self.report(key, "toml.unknown_key", key, choices=", ".join(allowed))


def load_toml(path: Path, log: IssueLog) -> TomlTable | None:
    """The whole TOML document as the root table, or None if it cannot be read."""
    file = path.name
    if not path.is_file():
        log.add(Issue(file, None, None, None, "file.missing", {"path": str(path)}))
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        log.add(Issue(file, None, None, None, "file.not_utf8"))
        return None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _SYNTAX_LINE.search(str(exc))
        line = int(found.group(1)) if found else None
        log.add(Issue(file, line, None, None, "toml.syntax", {"detail": str(exc)}))
        return None
    return TomlTable(log, file, TomlLines(text), (), data)
