"""The translation table: every text in both languages, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from planner.i18n import TEXT, tr


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXT))
def test_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = TEXT[key]
    assert set(entry) == {"zh", "en"}
    assert entry["zh"].strip() and entry["en"].strip()
    assert _fields(entry["zh"]) == _fields(entry["en"])


def test_lookup_fills_placeholders_and_falls_back_to_english() -> None:
    assert tr("app.minutes", "zh", n=15) == "15 分钟"
    assert tr("app.minutes", "fr", n=15) == "15 min"
    with pytest.raises(KeyError):
        tr("no.such.key")
