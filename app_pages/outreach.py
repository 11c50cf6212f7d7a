"""Outreach (R18–R30): the day's worklist, recording calls, the campaign planner, results."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from app_pages.common import page, show_error
from planner.domain import Channel
from planner.domain.outreach import LostReason, Outcome, OutreachRule
from planner.errors import PlannerError
from planner.outreach.messages import render_message
from planner.outreach.service import outreach_stats, plan_campaign, record_attempt, run_worklist
from planner.outreach.worklist import reason_text

p = page()
t = p.t
ss = st.session_state
st.title(t("nav.outreach"))
work, campaigns, results = st.tabs([t("outreach.tab_worklist"), t("outreach.tab_campaign"), t("outreach.tab_stats")])

with work:
    c1, c2 = st.columns([1, 3])
    day = c1.date_input(t("outreach.day"), value=p.today, min_value=p.today, key="out_day")
    if c2.button(t("outreach.make_tasks"), type="primary", key="out_make"):
        try:
            with st.spinner(t("outreach.working")):
                ss["out_list"] = run_worklist(p.engine, p.dealer_id, day)
        except PlannerError as exc:
            show_error(p, exc)
    wl = ss.get("out_list")
    if wl is None or wl.day != day:  # kept for the session: building it reads the whole fleet
        with st.spinner(t("outreach.working")):
            wl = ss["out_list"] = run_worklist(p.engine, p.dealer_id, day, persist=False)
    if any(i.task is None for i in wl.items):
        st.caption(t("outreach.preview_note"))
    calls = sum(i.is_call for i in wl.items)
    st.markdown(t("outreach.worklist_title", day=wl.day.isoformat(), n=len(wl.items), calls=calls))
    if wl.backlog:
        st.caption(t("outreach.backlog", n=wl.backlog))
    if wl.unplanned_campaign:
        st.caption(t("outreach.unplanned_campaign", n=wl.unplanned_campaign))

    def how(i: object) -> str:
        nxt = i.next  # type: ignore[attr-defined]
        if nxt.channel is Channel.PHONE and nxt.part is not None:
            return t("outreach.call_line", n=nxt.call_no, part=t(f"outreach.part.{nxt.part.value}"), window=nxt.window)
        return t("outreach.send_line", channel=t(f"channel.{nxt.channel.value}")) if nxt.channel else ""

    st.dataframe(pd.DataFrame([{
        "P": i.priority, t("outreach.task"): i.task.task_no if i.task else "-", t("desk.name"): i.customer.name,
        t("desk.mobile"): i.customer.mobile, t("desk.plate"): i.vehicle.plate, t("outreach.how"): how(i),
        t("outreach.rule"): t(f"outreach.rule.{i.rule.value}"), t("outreach.due"): i.due_date.isoformat(),
        t("outreach.reason"): reason_text(i.reason, p.lang),
        t("outreach.flag"): t("outreach.waited_flag") if i.waited_long else ""} for i in wl.items]),
        hide_index=True, width="stretch", height=420)

    tasks = {i.task.task_no: i for i in wl.items if i.task is not None}
    if tasks:
        st.subheader(t("outreach.record_title"))
        chosen = st.selectbox(t("outreach.task"), list(tasks), key="out_task",
                              format_func=lambda n: f"{n} · {tasks[n].customer.name} · {tasks[n].vehicle.plate}")
        item = tasks[chosen]
        channel = item.next.channel or Channel.PHONE
        with st.expander(t("outreach.script")):
            st.write(render_message(channel, p.lang, item.customer, item.vehicle, p.dealership.dealer.name,
                                    item.reason))
        with st.form("out_record"):
            outcome = st.radio(t("outreach.outcome"), [o.value for o in Outcome], horizontal=True,
                               format_func=lambda o: t(f"outreach.outcome.{o}"))
            c1, c2, c3 = st.columns(3)
            appointment = c1.text_input(t("outreach.appointment"))
            call_back = c2.date_input(t("outreach.call_back"), value=day + timedelta(days=3))
            km = c3.number_input(t("desk.km"), min_value=0, step=500)
            reason = st.selectbox(t("outreach.lost_reason"), [r.value for r in LostReason],
                                  format_func=lambda r: t(f"outreach.lost.{r}"))
            note = st.text_input(t("confirm.note"))
            if st.form_submit_button(t("confirm.record")):
                o = Outcome(outcome)
                try:
                    done = record_attempt(
                        p.engine, p.dealer_id, chosen, o,
                        channel=channel if o is Outcome.SENT and channel is not Channel.PHONE else None,
                        actor="desk-app", note=note, lost_reason=LostReason(reason) if o is Outcome.LOST else None,
                        appointment_no=appointment.strip() or None, call_back_on=call_back if o is Outcome.CALL_BACK
                        else None, km=int(km) or None)
                    st.success(t("outreach.recorded", task=chosen,
                                 status=t(f"outreach.status.{done.task.status.value}")))
                    if done.follow_up is not None:
                        st.caption(t("outreach.follow_up", day=done.follow_up.remind_on,
                                     rule=t(f"outreach.rule.{done.follow_up.rule.value}")))
                    ss.pop("out_list", None)
                    ss.pop("out_stats", None)
                except PlannerError as exc:
                    show_error(p, exc)

with campaigns:
    rules = [r.value for r in OutreachRule if r is not OutreachRule.CAMPAIGN]
    running = [c.code for c in p.dealership.campaigns if c.end >= p.today]
    segments = [f"campaign:{c}" for c in running] + [f"rule:{r}" for r in rules]
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
    segment = c1.selectbox(t("campaign.segment"), segments, key="camp_segment")
    start = c2.date_input(t("campaign.start"), value=p.today + timedelta(days=1), min_value=p.today, key="camp_start")
    weeks = c3.number_input(t("campaign.weeks"), 1, 12, 4, key="camp_weeks")
    per_day = c4.number_input(t("campaign.calls_per_day"), 10, 1000, p.policy_calls, step=10, key="camp_calls")
    if st.button(t("campaign.plan"), type="primary", key="camp_plan"):
        try:
            with st.spinner(t("campaign.planning")):
                ss["camp_result"] = plan_campaign(p.engine, p.dealer_id, segment, start, int(weeks), int(per_day))
        except PlannerError as exc:
            show_error(p, exc)
    result = ss.get("camp_result")
    if result is not None:
        plan = result.plan
        st.markdown(t("campaign.title", segment=result.segment, n=len(result.targets), weeks=result.weeks,
                      start=result.start))
        cols = st.columns(3)
        for col, name, m in ((cols[0], "campaign.planned", plan.planned), (cols[1], "campaign.at_once", plan.at_once),
                             (cols[2], "campaign.desk_speed", plan.desk_speed)):
            col.markdown(f"**{t(name)}**")
            col.metric(t("campaign.peak_added"), f"{m.peak_added_overload_hours:.1f} h")
            col.metric(t("campaign.added_over"), f"{m.added_overload_hours:.1f} h")
            col.metric(t("campaign.bookings_fit"), f"{m.bookings_within_capacity:.0f} / {m.expected_bookings:.0f}")
            col.metric(t("campaign.max_calls"), m.max_calls_per_day)
        curve = result.curve
        chart = pd.DataFrame({
            t("campaign.forecast"): curve.base_hours, t("campaign.capacity"): curve.capacity_hours,
            t("campaign.with_plan"): curve.base_hours + plan.added_hours,
            t("campaign.with_at_once"): curve.base_hours + plan.at_once_hours,
        }, index=[f"{curve.start + timedelta(days=i):%m-%d}" for i in range(curve.days)])
        st.line_chart(chart, x_label=t("whatif.day"), y_label=t("campaign.hours"))
        st.dataframe(pd.DataFrame([{t("whatif.day"): p.day(d), t("campaign.contacts"): len(cs)}
                                   for d, cs in sorted(plan.schedule.items())]).T, width="stretch")
        if plan.not_planned:
            st.caption(t("campaign.not_planned", n=len(plan.not_planned)))
        if st.button(t("campaign.save"), key="camp_save"):
            try:
                saved = plan_campaign(p.engine, p.dealer_id, result.segment, result.start, result.weeks,
                                      int(per_day), save=True)
                st.success(t("campaign.saved", n=saved.saved, prefix=saved.batch_prefix))
            except PlannerError as exc:
                show_error(p, exc)

with results:
    if "out_stats" not in ss:
        ss["out_stats"] = outreach_stats(p.engine, p.dealer_id)
    stats = ss["out_stats"]
    st.markdown(t("stats.title", since=stats.since, tasks=stats.tasks, attempts=stats.attempts))
    st.dataframe(pd.DataFrame([{
        t("outreach.rule"): t(f"outreach.rule.{rule.value}"), t("desk.channel"): t(f"channel.{channel.value}"),
        t("stats.tasks"): x.tasks, t("stats.booked"): x.booked,
        t("stats.raw"): "-" if x.raw is None else f"{x.raw:.0%}", t("stats.estimate"): f"{x.estimate:.0%}"}
        for (rule, channel), x in sorted(stats.model.rates.items(), key=lambda kv: (kv[0][0].value, kv[0][1].value))]),
        hide_index=True, width="stretch")
    st.caption(t("stats.show_rate", rate=stats.model.show_rate) + " · "
               + t("stats.calls", median=stats.calls_per_day_median, max=stats.calls_per_day_max))
    if stats.lost.total:
        st.markdown(f"**{t('stats.lost_title', n=stats.lost.total)}**")
        st.bar_chart(pd.Series({t(f"outreach.lost.{r.value}"): n for r, n in stats.lost.by_reason.items()},
                               name=t("stats.customers")), horizontal=True)
