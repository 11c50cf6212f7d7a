"""Reading a dealer's whole export (dealer.toml plus its CSV files) into domain objects."""

from __future__ import annotations

import os
from pathlib import Path

from planner.domain import Dealership, ServiceHistory
from planner.importer.catalogue import Catalogue, read_catalogue
from planner.importer.config import DealerConfig, read_config
from planner.importer.fields import IssueLog
from planner.importer.history import read_history
from planner.importer.messages import ImportFailed, Issue
from planner.importer.tomlfile import load_toml


def _check_campaign_ops(config: DealerConfig, catalogue: Catalogue) -> None:
    for entry in config.campaigns:
        catalogue.op_codes.check(entry.table, "op_code", entry.op_code, "ref.unknown_operation")


def _dealership(config: DealerConfig, catalogue: Catalogue, log: IssueLog) -> Dealership | None:
    if config.dealer is None:
        return None
    campaigns = tuple(e.campaign for e in config.campaigns if e.campaign is not None)
    try:
        return Dealership(
            config.dealer,
            tuple(config.advisors),
            tuple(config.technicians),
            tuple(config.bays),
            tuple(catalogue.operations.values()),
            tuple(catalogue.parts),
            campaigns,
        )
    except ValueError as exc:  # every rule it checks was checked row by row: a safety net
        log.add(
            Issue(config.code_place.file, None, None, None, "rule.domain", {"detail": str(exc)})
        )
        return None


def read_dealer_export(toml_path: str | os.PathLike[str]) -> tuple[Dealership, ServiceHistory]:
    """Read and validate a dealer's exports: `dealer.toml` and the CSV files it names.

    CSV paths in the TOML's `[files]` table are relative to the TOML's folder. Every
    problem in every file is collected; if there is any, `ImportFailed` is raised with
    all of them, so nothing half-valid is ever returned.
    """
    path = Path(toml_path)
    log = IssueLog()
    root = load_toml(path, log)
    if root is None:
        raise ImportFailed(log.issues)
    config = read_config(root, path.parent)
    catalogue = read_catalogue(config.files, log)
    _check_campaign_ops(config, catalogue)
    history = read_history(config, catalogue, log)
    dealership = _dealership(config, catalogue, log) if not log else None
    if log or dealership is None or history is None:
        raise ImportFailed(log.issues)
    return dealership, history
