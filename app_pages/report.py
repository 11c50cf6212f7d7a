"""The manager's booking report (R12)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from app_pages.common import page, show_error
from planner.errors import PlannerError
from planner.views.report import report_days

p = page()
t = p.t
st.title(t("nav.report"))
c1, c2 = st.columns(2)
start = c1.date_input(t("report.from"), value=p.today - timedelta(days=28), key="report_from")
end = c2.date_input(t("report.to"), value=p.today + timedelta(days=13), key="report_to")
try:
    with p.engine.connect() as conn:
        days, total = report_days(conn, p.dealer_id, p.dealership, start, end)
except PlannerError as exc:
    show_error(p, exc)
    st.stop()


def pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


k = st.columns(5)
k[0].metric(t("report.bookings"), total.bookings)
k[1].metric(t("report.active_share"), pct(total.active_share))
k[2].metric(t("report.show_rate"), pct(total.show_rate))
k[3].metric(t("report.confirmation_rate"), pct(total.confirmation_rate))
k[4].metric(t("report.utilisation"), pct(total.utilisation))
frame = pd.DataFrame([{
    t("report.day"): f"{d.day:%Y-%m-%d} {t(f'weekday.{d.day.weekday()}')}", t("report.bookings"): d.bookings,
    t("report.active_share"): pct(d.active_share),
    t("report.show_rate"): pct(d.show_rate), t("report.confirmation_rate"): pct(d.confirmation_rate),
    t("report.cancelled"): d.cancelled, t("report.prepared"): d.prepared, t("report.utilisation"): pct(d.utilisation),
} for d in days])
st.dataframe(frame, hide_index=True, width="stretch")
st.bar_chart(pd.Series({f"{d.day:%m-%d}": d.bookings for d in days}, name=t("report.bookings")),
             x_label=t("report.day"), y_label=t("report.bookings"))
st.download_button(t("report.csv"), frame.to_csv(index=False).encode("utf-8-sig"),
                   file_name=f"report-{start:%Y%m%d}-{end:%Y%m%d}.csv", mime="text/csv")
