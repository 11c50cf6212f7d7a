"""Confirmation calls (R16): 72 h, 24 h and 1 h before each arrival."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import page, show_error
from planner.booking.service import record_call
from planner.errors import PlannerError
from planner.views.confirmations import confirmation_list

p = page()
t = p.t
st.title(t("nav.confirmations"))
day = st.date_input(t("confirm.day"), value=p.today, min_value=p.today, key="confirm_day")
with p.engine.connect() as conn:
    found = confirmation_list(conn, p.dealer_id, p.dealership, day)
tasks = found.tasks
k = st.columns(3)
k[0].metric(t("confirm.due"), len(tasks))
k[1].metric(t("confirm.open"), sum(x.outcome is None for x in tasks))
k[2].metric(t("confirm.unconfirmed"), len(found.unconfirmed))
if tasks:
    st.dataframe(pd.DataFrame([{
        t("confirm.at"): f"{x.due_at:%H:%M}", t("confirm.stage"): x.stage.value, t("confirm.owner"): x.owner,
        t("whatif.booking"): x.appointment_no, t("desk.plate"): x.plate,
        t("confirm.arrival"): f"{x.arrival:%m-%d %H:%M}",
        t("confirm.state"): x.outcome or (t("cli.overdue") if x.overdue else t("cli.to_do"))} for x in tasks]),
        hide_index=True, width="stretch")
    open_tasks = [x for x in tasks if x.outcome is None]
    if open_tasks:
        with st.form("confirm_record"):
            labels = {f"{x.appointment_no}|{x.stage.value}": f"{x.due_at:%H:%M} {x.stage.value} {x.appointment_no} "
                      f"{x.plate}" for x in open_tasks}
            chosen = st.selectbox(t("confirm.call"), list(labels), format_func=labels.__getitem__)
            outcome = st.radio(t("confirm.outcome"), ["confirmed", "no_answer", "wants_other_time", "wants_to_cancel"],
                               horizontal=True, format_func=lambda o: t(f"confirm.outcome_{o}"))
            note = st.text_input(t("confirm.note"))
            if st.form_submit_button(t("confirm.record")):
                number, stage = chosen.split("|")
                try:
                    status = record_call(p.engine, p.dealer_id, number, stage, outcome, "desk-app", note)
                    st.success(t("cli.status_now", booking=number, status=status.value))
                except PlannerError as exc:
                    show_error(p, exc)
else:
    st.info(t("confirm.none"))
if found.unconfirmed:
    st.warning(t("cli.unconfirmed", n=len(found.unconfirmed),
                 ids=", ".join(b.appointment_no for b in found.unconfirmed[:20])))
