"""Errors a user can act on, worded through the translation table."""

from __future__ import annotations

from planner.domain.values import Lang
from planner.i18n import tr


class PlannerError(ValueError):
    """An error with a message in Chinese and English (`format(lang)`); `str()` is English."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(tr(key, Lang.EN, **params))

    def format(self, lang: Lang | str = Lang.EN) -> str:
        return tr(self.key, lang, **self.params)


def message(exc: Exception, lang: Lang | str) -> str:
    """An error's message in `lang` (a PlannerError's own wording; others as they are)."""
    fmt = getattr(exc, "format", None)
    if callable(fmt):
        try:
            return str(fmt(lang))
        except TypeError:
            pass
    return str(exc)


class DealerNotFound(PlannerError, LookupError):
    """The database holds no such dealer (or several, and none was named)."""


class DealerExists(PlannerError):
    """A dealer with this code is already in the database."""

    def __init__(self, code: str) -> None:
        super().__init__("error.dealer_exists", code=code)
        self.code = code
