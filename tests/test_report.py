"""The manager's booking report (R12)."""

from __future__ import annotations

from datetime import date

from planner.booking.report import booking_report, totals

D1, D2, D3 = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)


def test_rates_per_day_and_in_total() -> None:
    rows = [
        (D1, "completed", "active", True, False), (D1, "no_show", "passive", True, False),
        (D1, "arrived", "passive", True, False), (D1, "cancelled", "passive", True, True),
        (D2, "booked", "passive", True, True), (D2, "confirmed", "active", True, False),
        (D2, "booked", "passive", False, False),  # no plan and not due: not a booking of the planner
    ]
    days = booking_report(rows, {D1: (300.0, 1200.0), D2: (600.0, 1200.0)}, D1, D3)
    d1, d2, d3 = days
    assert (d1.bookings, d1.active_share, d1.show_rate, d1.cancelled) == (4, 0.25, 2 / 3, 1)
    assert d1.confirmation_rate == 1.0  # both who came count as confirmed; the no-show does not count
    assert (d2.bookings, d2.show_rate, d2.confirmation_rate, d2.utilisation) == (2, None, 0.5, 0.5)
    assert d3.bookings == 0 and d3.active_share is None and d3.utilisation is None
    assert (d1.prepared, d2.prepared) == (0, 1)  # a cancelled booking's preparation does not count
    total = totals(days)
    assert total.bookings == 6 and total.utilisation == 900 / 2400
    assert total.as_json()["active_share"] == round(2 / 6, 3)
