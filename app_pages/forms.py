"""Forms: a booking's four copies (R4) and repair-order draft (R17), to view and download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import page, show_error
from planner.booking.copies import pick_list_csv, render_html
from planner.booking.exports import xlsx_bytes
from planner.errors import PlannerError
from planner.storage import load_bookings
from planner.views.documents import booking_documents

p = page()
t = p.t
st.title(t("nav.forms"))
day = st.date_input(t("forms.day"), value=p.today, key="forms_day")
with p.engine.connect() as conn:
    bookings = sorted(load_bookings(conn, p.dealer_id, day, day), key=lambda b: b.arrival)
if not bookings:
    st.info(t("forms.none"))
    st.stop()
labels = {b.booking_id: f"{b.arrival:%H:%M} · {b.booking_id} · {b.plate}" for b in bookings}
chosen = st.selectbox(t("forms.booking"), list(labels), format_func=labels.__getitem__, key="forms_booking")
try:
    with p.engine.connect() as conn:
        documents = booking_documents(conn, p.dealer_id, p.dealership, chosen, p.lang)
except PlannerError as exc:
    show_error(p, exc)
    st.stop()
tabs = st.tabs([d.title for d in documents])
for tab, copy in zip(tabs, documents, strict=True):
    with tab:
        st.table(pd.DataFrame(copy.fields, columns=[t("forms.field"), t("forms.value")]))
        if copy.table:
            st.dataframe(pd.DataFrame(copy.table, columns=list(copy.table_head)), hide_index=True,
                         width="stretch")
        c1, c2, c3 = st.columns(3)
        c1.download_button(t("forms.html"), render_html(copy, p.dealership.dealer.name, p.lang),
                           file_name=f"{chosen}-{copy.kind}.html", mime="text/html", key=f"forms_html_{copy.kind}")
        if copy.kind == "parts":
            c2.download_button(t("forms.csv"), pick_list_csv(copy).encode("utf-8-sig"),
                               file_name=f"{chosen}-parts.csv", mime="text/csv", key="forms_csv")
            c3.download_button(t("forms.xlsx"), xlsx_bytes(copy.title, copy.table_head, copy.table),
                               file_name=f"{chosen}-parts.xlsx", key="forms_xlsx")
