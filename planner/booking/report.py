"""The service manager's booking report (R12), per day and in total (pure).

- bookings: appointments arriving that day (any status);
- active share: of those, the share the dealer reached out for (R1);
- show rate: of past bookings that were due (arrived, in service, completed or no-show),
  the share that came;
- confirmation rate: of bookings still due or come, the share confirmed before arrival
  (confirmed, or later statuses);
- prepared: bookings the advisor has confirmed fully prepared (R15);
- booked utilisation: booked technician-minutes over technician-minutes at work.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

CAME = {"arrived", "in_service", "completed"}
DUE = CAME | {"no_show"}
CONFIRMED = {"confirmed"} | CAME
LIVE = {"booked", "confirmed"} | CAME


@dataclass(frozen=True)
class DayReport:
    day: date
    bookings: int
    active: int
    came: int
    no_show: int
    confirmed: int
    live: int
    cancelled: int
    booked_minutes: float
    capacity_minutes: float
    prepared: int = 0

    @property
    def active_share(self) -> float | None:
        return self.active / self.bookings if self.bookings else None

    @property
    def show_rate(self) -> float | None:
        due = self.came + self.no_show
        return self.came / due if due else None

    @property
    def confirmation_rate(self) -> float | None:
        return self.confirmed / self.live if self.live else None

    @property
    def utilisation(self) -> float | None:
        return self.booked_minutes / self.capacity_minutes if self.capacity_minutes else None

    def as_json(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 3)
        return {"day": self.day.isoformat(), "bookings": self.bookings, "active_share": r(self.active_share),
                "show_rate": r(self.show_rate), "confirmation_rate": r(self.confirmation_rate),
                "cancelled": self.cancelled, "prepared": self.prepared, "booked_utilisation": r(self.utilisation)}


def booking_report(rows: list[tuple[date, str, str, bool, bool]], load: dict[date, tuple[float, float]],
                   start: date, end: date) -> list[DayReport]:
    """Per-day figures from (day, status, origin, planned) rows and (booked, capacity)
    technician-minutes per day; days with no booking are listed too."""
    by_day: dict[date, list[tuple[str, str]]] = defaultdict(list)
    prepared: dict[date, int] = defaultdict(int)
    for day, status, origin, planned, ready in rows:
        if planned or status in DUE:  # history without a plan still counts for shows
            by_day[day].append((status, origin))
            prepared[day] += ready and status in LIVE
    out = []
    day = start
    while day <= end:
        items = by_day.get(day, [])
        booked, capacity = load.get(day, (0.0, 0.0))
        out.append(DayReport(
            day, len(items), sum(o == "active" for _, o in items), sum(s in CAME for s, _ in items),
            sum(s == "no_show" for s, _ in items), sum(s in CONFIRMED for s, _ in items),
            sum(s in LIVE for s, _ in items), sum(s == "cancelled" for s, _ in items), booked, capacity,
            prepared[day]))
        day = date.fromordinal(day.toordinal() + 1)
    return out


def totals(days: list[DayReport]) -> DayReport:
    """All days together."""
    first = days[0].day if days else date.min
    return DayReport(first, sum(d.bookings for d in days), sum(d.active for d in days),
                     sum(d.came for d in days), sum(d.no_show for d in days), sum(d.confirmed for d in days),
                     sum(d.live for d in days), sum(d.cancelled for d in days),
                     sum(d.booked_minutes for d in days), sum(d.capacity_minutes for d in days),
                     sum(d.prepared for d in days))
