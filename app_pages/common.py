"""What every page needs: the database, the dealer, the language, and cached loads."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

import streamlit as st
from sqlalchemy import Engine

from planner.domain import Dealership, Lang
from planner.errors import message
from planner.i18n import tr
from planner.solver.loader import planning_today
from planner.storage import DealerNotFound, find_dealer_id, load_dealership, open_database
from planner.storage.outreach import load_policy


@st.cache_resource
def _engine(url: str | None) -> Engine:
    return open_database(url)


@st.cache_resource
def _dealership(url: str | None, dealer_id: int, version: int) -> Dealership:
    with _engine(url).connect() as conn:
        return load_dealership(conn, dealer_id)


@dataclass(frozen=True)
class Page:
    """The page's context: database, dealer, its today and the chosen language."""

    engine: Engine
    dealer_id: int
    dealership: Dealership
    today: date
    lang: Lang
    policy_calls: int  # the desk's outbound calls a day (the contact policy)

    def t(self, key: str, **values: object) -> str:
        return tr(key, self.lang, **values)

    def day(self, d: date) -> str:
        """A date with its weekday in the page's language (11-27 周五 / 11-27 Fri)."""
        return f"{d:%m-%d} {self.t(f'weekday.{d.weekday()}')}"


def lang() -> Lang:
    return Lang(st.session_state.get("lang", Lang.ZH.value))


def page() -> Page:
    """The context, or a message saying what to do and a stop when there is no dealer yet."""
    url = os.environ.get("PLANNER_DB_URL")
    engine = _engine(url)
    with engine.connect() as conn:
        try:
            dealer_id = find_dealer_id(conn)
        except DealerNotFound:
            st.warning(tr("app.no_database", lang()))
            st.stop()
        dealership = _dealership(url, dealer_id, st.session_state.get("catalogue_version", 0))
        today = planning_today(conn, dealer_id, dealership)
        calls = load_policy(conn, dealer_id).calls_per_day
    return Page(engine, dealer_id, dealership, today, lang(), calls)


def show_error(p: Page, exc: Exception) -> None:
    """A PlannerError in the chosen language (other errors as they are)."""
    st.error(message(exc, p.lang))
