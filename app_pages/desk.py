"""Agent desk: find the caller's car, choose the work, pick a proposed slot, hold, book."""

from __future__ import annotations

from datetime import datetime, time

import pandas as pd
import streamlit as st

from app_pages.common import page, show_error
from planner.booking.copies import documents_to_bring
from planner.booking.service import BookingRequest, SlotTaken, book, book_hold, hold
from planner.domain import Channel, Powertrain
from planner.errors import PlannerError
from planner.solver.desk import propose
from planner.solver.settings import Preference
from planner.storage import find_vehicle
from planner.storage.customers import known_models
from planner.views.desk import CHECKLIST, new_caller, quote, search, vehicle_card

p = page()
t = p.t
ss = st.session_state
st.title(t("nav.desk"))
ops_by_code = {o.op_code: o for o in p.dealership.operations}

# -- 1. the caller --------------------------------------------------------------------------
query = st.text_input(t("desk.search"), key="desk_query", placeholder=t("desk.search_hint"))
hits = []
if query:
    with p.engine.connect() as conn:
        hits = search(conn, p.dealer_id, query)
    if not hits:
        st.info(t("desk.no_hit"))
vin = None
if hits:
    labels = {h.vin: f"{h.plate} · {h.name} · {h.mobile} · {h.model}" for h in hits}
    vin = st.selectbox(t("desk.pick_car"), list(labels), format_func=labels.__getitem__, key="desk_vin")

with st.expander(t("desk.new_caller")), st.form("desk_new_caller"):
    c1, c2, c3 = st.columns(3)
    name = c1.text_input(t("desk.name"))
    mobile = c2.text_input(t("desk.mobile"))
    plate = c3.text_input(t("desk.plate"))
    vin_in = c1.text_input("VIN")
    with p.engine.connect() as conn:
        model = c2.selectbox(t("desk.model"), known_models(conn, p.dealer_id))
    power = c3.selectbox(t("desk.powertrain"), [x.value for x in Powertrain])
    sale = c1.date_input(t("desk.sale_date"), value=p.today, max_value=p.today)
    km = c2.number_input(t("desk.km"), min_value=0, step=1000)
    if st.form_submit_button(t("desk.add_caller")):
        try:
            number = new_caller(p.engine, p.dealer_id, name=name, mobile=mobile, plate=plate, vin=vin_in,
                                model=model, powertrain=Powertrain(power), sale_date=sale, km=int(km) or None,
                                today=p.today)
            st.success(t("desk.caller_added", customer=number, plate=plate))
        except PlannerError as exc:
            show_error(p, exc)

if vin is None:
    st.stop()

with p.engine.connect() as conn:
    card = vehicle_card(conn, p.dealer_id, p.dealership, vin, p.today, p.lang)
left, right = st.columns([3, 2])
with left:
    st.subheader(f"{card.vehicle.plate} · {card.vehicle.model}")
    st.caption(t("desk.card_line", name=card.customer.name, mobile=card.customer.mobile, km=card.km_estimate,
                 warranty=t("desk.in_warranty") if card.in_warranty else t("desk.out_of_warranty")))
    joiner = "、" if p.lang == "zh" else ", "
    if card.visits:
        st.dataframe(pd.DataFrame([{
            t("desk.visit_day"): v.day.isoformat(), t("desk.visit_km"): v.km,
            t("desk.visit_work"): joiner.join(ops_by_code[c].name(p.lang) if c in ops_by_code else c
                                              for c in v.op_codes),
            t("desk.visit_booked"): "✓" if v.by_appointment else ""} for v in card.visits]),
            hide_index=True, width="stretch")
with right:
    st.markdown(f"**{t('desk.due')}**")
    for line in card.due or (t("desk.nothing_due"),):
        st.markdown(f"- {line}")

# -- 2. the work ----------------------------------------------------------------------------
st.divider()
codes = sorted(ops_by_code, key=lambda c: (ops_by_code[c].category.value, c))
chosen = st.multiselect(t("desk.ops"), codes, key="desk_ops", placeholder=t("app.choose"),
                        format_func=lambda c: f"{ops_by_code[c].name(p.lang)} ({c})")
if chosen:
    q = quote(p.dealership, chosen)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("desk.hours"), f"{q.hours:.1f}")
    m2.metric(t("desk.labour"), f"¥{q.labour:,.0f}")
    m3.metric(t("desk.parts"), f"¥{q.parts:,.0f}")
    m4.metric(t("desk.total"), f"¥{q.total:,.0f}")
    if q.parts_missing:
        st.caption(t("desk.parts_short", parts=", ".join(q.parts_missing)))
concern = st.text_area(t("desk.concern"), key="desk_concern", height=70)
with st.expander(t("desk.checklist")):
    answers = {k: st.text_input(t(f"desk.q_{k}"), key=f"desk_q_{k}") for k in CHECKLIST}

# -- 3. the slot ----------------------------------------------------------------------------
st.divider()
c1, c2, c3 = st.columns([1, 2, 1])
after_day = c1.date_input(t("desk.from_day"), value=p.today, min_value=p.today, key="desk_from")
prefer = c2.multiselect(t("desk.prefer"), [x.value for x in Preference], key="desk_prefer",
                        placeholder=t("app.choose"),
                        format_func=lambda v: t(f"desk.prefer_{v}"))
channel = c3.selectbox(t("desk.channel"), [c.value for c in Channel], key="desk_channel",
                       index=[c.value for c in Channel].index(card.customer.preferred_channel.value),
                       format_func=lambda v: t(f"channel.{v}"))
if st.button(t("desk.find"), type="primary", disabled=not chosen, key="desk_find"):
    start_of_day = datetime.combine(after_day, time(0), tzinfo=p.dealership.dealer.zone)
    after = start_of_day if start_of_day > datetime.now(p.dealership.dealer.zone) else None  # None: from now
    try:
        with p.engine.connect() as conn, st.spinner(t("desk.searching")):
            proposal, _snapshot = propose(conn, p.dealer_id, card.vehicle.plate, chosen, after=after,
                                  prefer=frozenset(Preference(v) for v in prefer))
        ss["desk_options"] = proposal.options
        ss["desk_unavailable"] = proposal.unavailable
        ss.pop("desk_hold", None)
        ss.pop("desk_booked", None)
    except PlannerError as exc:
        show_error(p, exc)

options = ss.get("desk_options") or []
if not options and ss.get("desk_unavailable") is not None:
    u = ss["desk_unavailable"]
    st.warning("; ".join(r.text(p.lang) for r in u.reasons) or t("desk.no_slot"))
    if u.earliest is not None:
        st.info(t("desk.earliest", when=f"{u.earliest.start:%Y-%m-%d %H:%M}"))
if options:
    def label(i: int) -> str:
        o = options[i]
        return (f"{p.day(o.start.date())} {o.start:%H:%M}–{o.end:%H:%M} · {t('load.' + o.label.value)} "
                f"{o.load_ratio:.0%} · " + "; ".join(r.text(p.lang) for r in o.reasons))

    pick = st.radio(t("desk.options"), list(range(len(options))), format_func=label, key="desk_pick")
    option = options[pick]
    request = BookingRequest(card.vehicle.plate, tuple(chosen), option.start, concern=concern.strip(),
                             checklist=tuple((t(f"desk.q_{k}"), v.strip()) for k, v in answers.items() if v.strip()),
                             channel=channel, actor="desk-app")
    b1, b2, _spacer = st.columns([1, 1, 3])
    if b1.button(t("desk.hold"), key="desk_hold_btn", disabled="desk_hold" in ss or "desk_booked" in ss):
        try:
            ss["desk_hold"] = hold(p.engine, p.dealer_id, request).booking.booking_id
        except SlotTaken as exc:
            show_error(p, exc)
        except PlannerError as exc:
            show_error(p, exc)
    if b2.button(t("desk.book"), type="primary", key="desk_book_btn", disabled="desk_booked" in ss):
        try:
            if "desk_hold" in ss:
                book_hold(p.engine, p.dealer_id, ss["desk_hold"], actor="desk-app")
                ss["desk_booked"] = ss.pop("desk_hold")
            else:
                ss["desk_booked"] = book(p.engine, p.dealer_id, request).booking.booking_id
        except PlannerError as exc:
            show_error(p, exc)
    if "desk_hold" in ss and "desk_booked" not in ss:
        st.info(t("desk.held", booking=ss["desk_hold"]))
    if "desk_booked" in ss:
        number = ss["desk_booked"]
        st.success(t("desk.booked", booking=number, when=f"{option.start:%Y-%m-%d %H:%M}"))
        with p.engine.connect() as conn:
            vehicle = find_vehicle(conn, p.dealer_id, card.vehicle.plate)
        docs = documents_to_bring(p.dealership, option.booking, vehicle or card.vehicle, p.lang)
        st.markdown(f"**{t('desk.bring')}** " + joiner.join(docs))
        st.text_area(t("desk.confirmation"), key="desk_confirmation_text", value=t(
            "desk.confirmation_text", name=card.customer.name, plate=card.vehicle.plate,
            when=f"{option.start:%Y-%m-%d %H:%M}", booking=number, dealer=p.dealership.dealer.name,
            docs=joiner.join(docs)), height=90)
