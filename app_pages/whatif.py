"""Manager what-if: the next two weeks' work against capacity, before and after a change."""

from __future__ import annotations

from datetime import timedelta

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.common import page, show_error
from planner.booking.service import apply_replan
from planner.errors import PlannerError
from planner.solver.loader import WalkInPolicy, load_snapshot
from planner.solver.replan import replan_week
from planner.solver.settings import SolverSettings
from planner.solver.whatif import Scenario
from planner.views.whatif import LoadGrid, Outlook, outlook, run_what_if

p = page()
t = p.t
st.title(t("nav.whatif"))


@st.cache_resource(show_spinner=False)
def _outlook(url: str, dealer_id: int, today: str) -> Outlook:
    with p.engine.connect() as conn:
        return outlook(conn, dealer_id, p.dealership, p.today, 14)


with st.spinner(t("whatif.loading")):
    try:
        o = _outlook(str(p.engine.url), p.dealer_id, p.today.isoformat())
    except PlannerError as exc:
        show_error(p, exc)
        st.stop()

days = [p.today + timedelta(days=i) for i in range(14)]
with st.sidebar:
    st.markdown(f"**{t('whatif.controls')}**")
    techs = {x.code: f"{x.code} {x.name}" for x in p.dealership.technicians}
    absent = st.multiselect(t("whatif.absent"), list(techs), format_func=techs.__getitem__, key="wi_absent",
                            placeholder=t("app.choose"))
    absent_day = st.selectbox(t("whatif.on_day"), days, key="wi_absent_day", format_func=p.day)
    bays = {b.code: f"{b.code} {t('bay.' + b.bay_type.value)}" for b in p.dealership.bays}
    bay_down = st.multiselect(t("whatif.bay_down"), list(bays), format_func=bays.__getitem__, key="wi_bays",
                              placeholder=t("app.choose"))
    bay_day = st.selectbox(t("whatif.on_day"), days, key="wi_bay_day", format_func=p.day)
    reserved_parts = sorted({r.part_number for b in o.bookings for r in b.request.parts})
    part = st.selectbox(t("whatif.part_delay"), ["", *reserved_parts], key="wi_part",
                        format_func=lambda n: f"{n} {p.dealership.part(n).name(p.lang)}" if n else "-")
    part_day = st.selectbox(t("whatif.part_until"), days, key="wi_part_day", index=7,
                            format_func=p.day)
    surge = st.slider(t("whatif.surge"), 0, 100, 0, 5, key="wi_surge", format="%d%%")
    quantile = st.slider(t("whatif.reserve"), 0.0, 0.9, 0.5, 0.1, key="wi_reserve")

scenario = Scenario(tuple((c, absent_day) for c in absent), tuple((b, bay_day) for b in bay_down),
                    ((part, part_day),) if part else (), 1.0 + surge / 100)
try:
    with p.engine.connect() as conn, st.spinner(t("whatif.computing")):
        w = run_what_if(conn, p.dealer_id, p.dealership, o, scenario, quantile)
except PlannerError as exc:
    show_error(p, exc)
    st.stop()



def change(after: float, before: float, fmt: str) -> str | None:
    """The metric's change, or nothing when the scenario does not move it."""
    return None if round(after - before, 3) == 0 else format(after - before, fmt)


k = st.columns(5)
k[0].metric(t("whatif.utilisation"), f"{w.after.utilisation:.0%}",
            change(w.after.utilisation, w.before.utilisation, "+.1%"), delta_color="off")
overload = change(w.after.overload_hours, w.before.overload_hours, "+.0f")
k[1].metric(t("whatif.overload"), f"{w.after.overload_hours:.0f} h", overload and f"{overload} h",
            delta_color="inverse")
k[2].metric(t("whatif.peak_hours"), w.after.peak_cells, change(w.after.peak_cells, w.before.peak_cells, "+d"),
            delta_color="inverse")
summary = w.result.as_json()["summary"]
k[3].metric(t("whatif.affected"), summary["infeasible"],
            t("whatif.repaired", reassigned=summary["reassigned"], moved=summary["moved"]), delta_color="off")
reserve = change(w.reserve_hours_after, w.reserve_hours_before, "+.0f")
k[4].metric(t("whatif.reserve_hours"), f"{w.reserve_hours_after:.0f} h", reserve and f"{reserve} h",
            delta_color="off")


def heatmap(grid: LoadGrid, title: str) -> alt.Chart:
    labels = grid.labels()
    rows = [{t("whatif.day"): p.day(d), t("whatif.hour"): f"{h:02d}:00",
             t("whatif.load"): None if lab is None else round(float(grid.ratio[i, j]), 2),
             t("whatif.label"): "" if lab is None else t("load." + lab.value)}
            for i, d in enumerate(grid.days) for j, h in enumerate(grid.hours)
            if grid.open[i, j] for lab in [labels[i][j]]]
    data = pd.DataFrame(rows)
    scale = alt.Scale(domain=[t("load.valley"), t("load.normal"), t("load.peak")],
                      range=["#9ecae1", "#fdd49e", "#e34a33"])
    chart: alt.Chart = (alt.Chart(data, title=title).mark_rect().encode(
        x=alt.X(f"{t('whatif.hour')}:O"), y=alt.Y(f"{t('whatif.day')}:O", sort=None),
        color=alt.Color(f"{t('whatif.label')}:N", scale=scale),
        tooltip=[t("whatif.day"), t("whatif.hour"), alt.Tooltip(f"{t('whatif.load')}:Q", format=".0%"),
                 t("whatif.label")]).properties(height=420))
    return chart


left, right = st.columns(2)
left.altair_chart(heatmap(w.before, t("whatif.before")), width="stretch")
right.altair_chart(heatmap(w.after, t("whatif.after")), width="stretch")

st.subheader(t("whatif.repairs"))
if not w.result.infeasible:
    st.caption(t("whatif.none_broken"))
else:
    st.dataframe(pd.DataFrame([{
        t("whatif.booking"): r.booking_id, t("desk.plate"): r.plate,
        t("whatif.was"): f"{r.before.arrival:%m-%d %H:%M}",
        t("whatif.becomes"): f"{r.after.arrival:%m-%d %H:%M}" if r.after else "-",
        t("whatif.action"): t("cli.action_" + r.action), t("whatif.broken"): ", ".join(r.broken),
        t("whatif.impact"): f"{r.shift_hours:+.1f} h"} for r in w.result.infeasible]),
        hide_index=True, width="stretch")
if w.result.at_risk:
    st.caption(t("whatif.at_risk", n=len(w.result.at_risk)))

# -- re-plan a week (long work: progress shown, result kept for the session) -------------------
st.divider()
st.subheader(t("replan.title"))
monday = p.today - timedelta(days=p.today.weekday())
weeks = [monday + timedelta(days=7 * i) for i in range(3)]
c1, c2, c3 = st.columns([2, 2, 1])
week = c1.selectbox(t("replan.week"), weeks, key="rp_week",
                    format_func=lambda d: f"{d.isocalendar().year}-W{d.isocalendar().week:02d} ({p.day(d)})")
seconds = c2.slider(t("replan.seconds"), 2, 30, 8, key="rp_seconds")
if c3.button(t("replan.run"), key="rp_run"):
    with st.status(t("replan.running"), expanded=False), p.engine.connect() as conn:
        snapshot = load_snapshot(conn, p.dealer_id, week, 7, WalkInPolicy(), p.dealership)
        start = max(week, p.today)
        st.session_state["rp_result"] = (week, replan_week(snapshot, start, 7 - (start - week).days,
                                                           SolverSettings(replan_seconds=float(seconds))),
                                         tuple(b for b in snapshot.bookings
                                               if start <= b.arrival.astimezone(p.dealership.dealer.zone).date()
                                               < week + timedelta(days=7)))
found = st.session_state.get("rp_result")
if found is not None and found[0] == week:
    _, plan, planned_from = found
    st.caption(t("cli.replan_title", week=f"{week.isocalendar().week:02d}", status=plan.status, seconds=plan.seconds,
                 gap=f"{plan.gap:.1%}" if plan.gap is not None else "-"))
    m = st.columns(4)
    m[0].metric(t("replan.peak"), f"{plan.after.peak_load:.0%}", f"{plan.after.peak_load - plan.before.peak_load:+.0%}",
                delta_color="inverse")
    m[1].metric(t("replan.overtime"), plan.after.overtime_minutes,
                plan.after.overtime_minutes - plan.before.overtime_minutes, delta_color="inverse")
    m[2].metric(t("replan.short"), plan.after.headroom_shortfall_minutes,
                plan.after.headroom_shortfall_minutes - plan.before.headroom_shortfall_minutes, delta_color="inverse")
    m[3].metric(t("replan.changes"), f"{sum(c.moved for c in plan.changes)} / {sum(not c.moved for c in plan.changes)}")
    if plan.changes and st.button(t("replan.apply"), type="primary", key="rp_apply"):
        try:
            n = apply_replan(p.engine, p.dealer_id, planned_from, plan.bookings, actor="manager-app")
            st.success(t("replan.applied", n=n))
            st.session_state.pop("rp_result", None)
        except PlannerError as exc:
            show_error(p, exc)
