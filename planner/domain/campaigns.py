"""Campaigns by the manufacturer or the dealer: a known input to the forecast (R9, R24)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from planner.domain.values import BilingualName


class CampaignKind(StrEnum):
    DEALER = "dealer"
    MANUFACTURER = "manufacturer"


@dataclass(frozen=True)
class Campaign(BilingualName):
    code: str
    name_zh: str
    name_en: str
    kind: CampaignKind
    start: date
    end: date
    op_code: str | None = None
    target_models: tuple[str, ...] = field(default=())  # empty: every model

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"campaign {self.code} ends before it starts")

    def active_on(self, day: date) -> bool:
        return self.start <= day <= self.end

    def targets(self, model: str) -> bool:
        return not self.target_models or model in self.target_models
