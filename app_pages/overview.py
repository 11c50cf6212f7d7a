"""Overview: what the database holds for the dealer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import streamlit as st

from app_pages.common import page
from planner.storage import arrival_times, load_dealer
from planner.summary import intake_by_day, intake_by_hour, summarise


def _counts(rows: dict[str, int]) -> None:
    """A two-column table of labelled counts."""
    st.table(pd.DataFrame({"item": list(rows), "n": list(rows.values())}), hide_index=True, hide_header=True)


p = page()
t = p.t
st.title(t("app.title"))
with p.engine.connect() as conn:
    summary = summarise(conn, p.dealer_id)
    dealer = load_dealer(conn, p.dealer_id)
    since = (summary.repair_orders_to or datetime.now(UTC)) - timedelta(weeks=12)
    recent = arrival_times(conn, p.dealer_id, since=since)

st.subheader(t("app.dealer", name=summary.name))
cols = st.columns(4)
cols[0].metric(t("app.time_zone"), summary.time_zone)
cols[1].metric(t("app.grid"), t("app.minutes", n=summary.booking_grid_minutes))
cols[2].metric(t("app.ro_per_day"), f"{summary.repair_orders_per_open_day:.0f}")
cols[3].metric(t("app.appointment_share"), f"{summary.appointment_share:.0%}")
if summary.today:
    st.caption(t("app.demo_date", date=summary.today))

left, mid, right = st.columns(3)
with left:
    st.markdown(f"**{t('app.people_and_bays')}**")
    _counts({t(f"count.{k}"): summary.counts[k] for k in ("advisors", "technicians", "bays")})
    st.markdown(f"*{t('app.technicians_by_skill')}*")
    _counts({t(f"skill.{k}"): v for k, v in summary.technicians_by_skill.items()})
with mid:
    st.markdown(f"**{t('app.catalogue')}**")
    rows = {t(f"count.{k}"): summary.counts[k] for k in ("operations", "parts", "campaigns")}
    rows[t("app.out_of_stock")] = summary.parts_out_of_stock
    rows[t("app.open_orders")] = summary.open_purchase_orders
    _counts(rows)
    st.markdown(f"*{t('app.bays_by_type')}*")
    _counts({t(f"bay.{k}"): v for k, v in summary.bays_by_type.items()})
with right:
    st.markdown(f"**{t('app.history')}**")
    keys = ("customers", "vehicles", "repair_orders", "appointments", "declined_recommendations")
    _counts({t(f"count.{k}"): summary.counts[k] for k in keys})
    if summary.repair_orders_from and summary.repair_orders_to:
        st.caption(t("app.ro_range_line", first=f"{summary.repair_orders_from:%Y-%m-%d}",
                     last=f"{summary.repair_orders_to:%Y-%m-%d}"))

daily = intake_by_day(recent, dealer.zone)
if daily:
    st.markdown(f"**{t('app.daily_intake')}**")
    st.bar_chart(pd.Series(daily, name=t("count.repair_orders")), x_label=t("app.date"),
                 y_label=t("count.repair_orders"))
    st.markdown(f"**{t('app.hourly_profile')}**")
    st.bar_chart(pd.Series(intake_by_hour(recent, dealer.zone), name=t("app.share")),
                 x_label=t("app.hour"), y_label=t("app.share"))
