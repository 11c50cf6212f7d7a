"""Welcome board (R5): tomorrow's booked arrivals, masked, large print, refreshed every minute."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from app_pages.common import page
from planner.views.board import welcome_board

p = page()
t = p.t
st.title(t("nav.board"))
day = st.date_input(t("board.day"), value=p.today + timedelta(days=1), key="board_day")


@st.fragment(run_every=60)
def _board() -> None:
    with p.engine.connect() as conn:
        board = welcome_board(conn, p.dealer_id, p.dealership, day, p.lang)
    st.caption(t("board.count", n=len(board.rows), day=f"{day:%Y-%m-%d}"))
    st.iframe(board.html, height=720)  # our own page: every name and plate is escaped and masked
    st.download_button(t("board.download"), board.html, file_name=f"board-{day:%Y%m%d}.html", mime="text/html")


_board()
