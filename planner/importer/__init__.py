"""Importing a dealer from its own system's exports: dealer.toml plus CSV files.

The format is described in docs/import-format.md. `read_dealer_export` validates
everything and returns domain objects; `import_dealer` also writes them to the
database in one transaction. Both raise `ImportFailed` listing every problem found.
"""

from planner.importer.loader import ImportResult, import_dealer
from planner.importer.messages import MESSAGES, ImportFailed, Issue, render
from planner.importer.reader import read_dealer_export

__all__ = [
    "MESSAGES",
    "ImportFailed",
    "ImportResult",
    "Issue",
    "import_dealer",
    "read_dealer_export",
    "render",
]
