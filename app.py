"""Streamlit front end: the language, the navigation, and the pages (thin: widgets and
layout calling `planner`; see app_pages/, not named pages/ because Streamlit would list
that folder's files as pages of its own). Run with `make run`."""

from __future__ import annotations

import streamlit as st

from planner.domain import Lang
from planner.i18n import tr

st.set_page_config(page_title="Planner", layout="wide")
lang = Lang(st.sidebar.radio("语言 / Language", ["zh", "en"], horizontal=True, key="lang"))


def _page(path: str, key: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(path, title=tr(f"nav.{key}", lang), icon=icon, url_path=key, default=default)


navigation = st.navigation({
    tr("nav.group_desk", lang): [
        _page("app_pages/desk.py", "desk", ":material/support_agent:"),
        _page("app_pages/confirmations.py", "confirmations", ":material/call:"),
        _page("app_pages/outreach.py", "outreach", ":material/campaign:"),
    ],
    tr("nav.group_manager", lang): [
        _page("app_pages/overview.py", "overview", ":material/dashboard:", default=True),
        _page("app_pages/whatif.py", "whatif", ":material/insights:"),
        _page("app_pages/report.py", "report", ":material/summarize:"),
    ],
    tr("nav.group_workshop", lang): [
        _page("app_pages/board.py", "board", ":material/tv:"),
        _page("app_pages/forms.py", "forms", ":material/print:"),
    ],
})
navigation.run()
