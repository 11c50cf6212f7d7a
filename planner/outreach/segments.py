"""Target groups for a campaign or a mass reminder (R24): select, then divide by category.

A segment is written `campaign:CODE` (the cars a campaign targets that have not had its
work), `rule:NAME` (the cars whose reminder under that rule opens in the window, e.g.
`rule:dormant`), or `model:NAME` (every car of a model whose owner came in within two
years). Customers who have a booking ahead or an open task are left out; one line per
customer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from planner.domain.outreach import OutreachRule
from planner.errors import PlannerError
from planner.outreach.facts import VehicleFacts
from planner.outreach.rules import RULES, Reminder, RuleContext, add_months, campaign


@dataclass(frozen=True)
class Segment:
    kind: str  # campaign | rule | model
    value: str

    @classmethod
    def parse(cls, text: str, ctx: RuleContext) -> Segment:
        kind, _, value = text.partition(":")
        kind, value = kind.strip().lower(), value.strip()
        if kind == "campaign":
            if not any(c.code == value for c in ctx.campaigns):
                raise PlannerError("error.outreach_unknown_campaign", code=value,
                                   known=", ".join(c.code for c in ctx.campaigns[-6:]))
        elif kind == "rule":
            if value not in {r.value for r in OutreachRule} or value == OutreachRule.CAMPAIGN.value:
                raise PlannerError("error.outreach_unknown_rule", rule=value,
                                   known=", ".join(r.value for r in OutreachRule if r is not OutreachRule.CAMPAIGN))
        elif kind != "model" or not value:
            raise PlannerError("error.outreach_bad_segment", segment=text)
        return cls(kind, value)


@dataclass(frozen=True)
class Target:
    """One customer in a segment, with the car and the reminder behind the contact."""

    facts: VehicleFacts
    rule: OutreachRule
    priority: int
    due_date: date
    campaign_code: str | None = None
    reminder: Reminder | None = None

    @property
    def category(self) -> str:
        """Customers are divided by what the contact is about and the car's model."""
        return f"{self.campaign_code or self.rule.value} · {self.facts.vehicle.model} · P{self.priority}"


def select_targets(facts: Sequence[VehicleFacts], segment: Segment, start: date, end: date, ctx: RuleContext,
                   busy_customers: set[str]) -> list[Target]:
    """The segment's customers for a plan running from `start` to `end`."""
    found: dict[str, Target] = {}
    for f in facts:
        c = f.customer.customer_no
        if f.lost_for_good or f.booking_ahead or c in busy_customers or c in found:
            continue
        target = _target(f, segment, start, end, ctx)
        if target is not None:
            found[c] = target
    return sorted(found.values(), key=lambda t: (t.priority, t.due_date, t.facts.customer.customer_no))


def _target(f: VehicleFacts, segment: Segment, start: date, end: date, ctx: RuleContext) -> Target | None:
    if segment.kind == "campaign":
        only = RuleContext(tuple(c for c in ctx.campaigns if c.code == segment.value), ctx.remind_days_ahead,
                           ctx.long_wait_minutes)
        r = campaign(f, start, only)
        if r is None or f.has_task(r.rule, r.anchor, r.campaign_code):
            return None
        return Target(f, r.rule, r.priority, r.due_date, r.campaign_code, r)
    if segment.kind == "rule":
        rule = OutreachRule(segment.value)
        r = RULES[rule](f, start, ctx)
        if r is None or r.remind_on > end or f.has_task(r.rule, r.anchor, r.campaign_code):
            return None
        return Target(f, rule, r.priority, r.due_date, None, r)
    if f.vehicle.model != segment.value or f.last_visit is None or f.last_visit.day < add_months(start, -24):
        return None
    return Target(f, OutreachRule.CAMPAIGN, 3, end, f"MODEL-{segment.value[:20]}")


def by_category(targets: Sequence[Target]) -> dict[str, list[Target]]:
    """Targets divided into categories, most urgent first within each."""
    out: dict[str, list[Target]] = defaultdict(list)
    for t in targets:
        out[t.category].append(t)
    return dict(out)
