"""Streamlit front end (thin: widgets and layout only; everything else is in `planner`).

Run with `make run`. The real pages (agent desk, what-if dashboard, boards) come with
their issues; this page shows what the database holds for the dealer.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pandas as pd
import streamlit as st

from planner.domain import Lang
from planner.i18n import tr
from planner.storage import DealerNotFound, arrival_times, find_dealer_id, load_dealer, open_database
from planner.summary import intake_by_day, intake_by_hour, summarise

st.set_page_config(page_title="Planner", layout="wide")


def _counts(rows: dict[str, int]) -> None:
    """A two-column table of labelled counts."""
    st.table(pd.DataFrame({"item": list(rows), "n": list(rows.values())}), hide_index=True, hide_header=True)


@st.cache_resource
def _engine(url: str | None):  # type: ignore[no-untyped-def]
    return open_database(url)


lang = Lang(st.sidebar.radio("语言 / Language", ["zh", "en"], horizontal=True, key="lang"))
st.title(tr("app.title", lang))

engine = _engine(os.environ.get("PLANNER_DB_URL"))
with engine.connect() as conn:
    try:
        dealer_id = find_dealer_id(conn)
    except DealerNotFound:
        st.warning(tr("app.no_database", lang))
        st.stop()
    summary = summarise(conn, dealer_id)
    dealer = load_dealer(conn, dealer_id)
    since = (summary.repair_orders_to or datetime.now(UTC)) - timedelta(weeks=12)
    recent = arrival_times(conn, dealer_id, since=since)

st.subheader(tr("app.dealer", lang, name=summary.name))
cols = st.columns(4)
cols[0].metric(tr("app.time_zone", lang), summary.time_zone)
cols[1].metric(tr("app.grid", lang), tr("app.minutes", lang, n=summary.booking_grid_minutes))
cols[2].metric(tr("app.ro_per_day", lang), f"{summary.repair_orders_per_open_day:.0f}")
cols[3].metric(tr("app.appointment_share", lang), f"{summary.appointment_share:.0%}")
if summary.today:
    st.caption(tr("app.demo_date", lang, date=summary.today))

left, mid, right = st.columns(3)
with left:
    st.markdown(f"**{tr('app.people_and_bays', lang)}**")
    _counts({tr(f"count.{k}", lang): summary.counts[k] for k in ("advisors", "technicians", "bays")})
    st.markdown(f"*{tr('app.technicians_by_skill', lang)}*")
    _counts({tr(f"skill.{k}", lang): v for k, v in summary.technicians_by_skill.items()})
with mid:
    st.markdown(f"**{tr('app.catalogue', lang)}**")
    rows = {tr(f"count.{k}", lang): summary.counts[k] for k in ("operations", "parts", "campaigns")}
    rows[tr("app.out_of_stock", lang)] = summary.parts_out_of_stock
    rows[tr("app.open_orders", lang)] = summary.open_purchase_orders
    _counts(rows)
    st.markdown(f"*{tr('app.bays_by_type', lang)}*")
    _counts({tr(f"bay.{k}", lang): v for k, v in summary.bays_by_type.items()})
with right:
    st.markdown(f"**{tr('app.history', lang)}**")
    keys = ("customers", "vehicles", "repair_orders", "appointments", "declined_recommendations")
    _counts({tr(f"count.{k}", lang): summary.counts[k] for k in keys})
    if summary.repair_orders_from and summary.repair_orders_to:
        st.caption(tr("app.ro_range_line", lang, first=f"{summary.repair_orders_from:%Y-%m-%d}",
                      last=f"{summary.repair_orders_to:%Y-%m-%d}"))

daily = intake_by_day(recent, dealer.zone)
if daily:
    st.markdown(f"**{tr('app.daily_intake', lang)}**")
    st.bar_chart(pd.Series(daily, name=tr("count.repair_orders", lang)), x_label=tr("app.date", lang),
                 y_label=tr("count.repair_orders", lang))
    st.markdown(f"**{tr('app.hourly_profile', lang)}**")
    st.bar_chart(pd.Series(intake_by_hour(recent, dealer.zone), name=tr("app.share", lang)),
                 x_label=tr("app.hour", lang), y_label=tr("app.share", lang))
