"""Import problems in plain words, in English and Simplified Chinese.

Every problem found while reading a dealer's exports is an `Issue`: where it is (file,
row or line, column or key), the offending value, and a message id from `MESSAGES`
with its parameters. `ImportFailed` carries all of them at once.

The message texts are in `planner.i18n.TEXT` under the "import." prefix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from planner.domain.values import Lang
from planner.i18n import TEXT, tr

# The texts live in the project's one translation table, under "import.".
MESSAGES: dict[str, dict[str, str]] = {
    key.removeprefix("import."): texts for key, texts in TEXT.items() if key.startswith("import.")
}


def render(message_id: str, lang: Lang | str = Lang.EN, **params: object) -> str:
    """The message `message_id` in `lang` (English when the language is unknown)."""
    return tr(f"import.{message_id}", lang, **params)


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True)
class Issue:
    """One problem in the exports.

    `row` is the spreadsheet row of a CSV file (header = 1, first data row = 2) or the
    line of the TOML file; `column` is the CSV column or the dotted TOML key.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message_id: str
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def is_toml(self) -> bool:
        return self.file.endswith(".toml")

    def message(self, lang: Lang | str = Lang.EN) -> str:
        """What is wrong, without the location."""
        value = "" if self.value is None else _shown(self.value)
        return render(self.message_id, lang, **{"value": value, **self.params})

    def where(self, lang: Lang | str = Lang.EN) -> str:
        """The location: file, row or line, column or key."""
        if self.row is None:
            where_id = "where.key" if self.column is not None and self.is_toml else "where.file"
        elif self.column is None:
            where_id = "where.line" if self.is_toml else "where.row"
        else:
            where_id = "where.line_key" if self.is_toml else "where.row_column"
        return render(where_id, lang, file=self.file, row=self.row, column=self.column)

    def format(self, lang: Lang | str = Lang.EN) -> str:
        """The whole problem on one line, e.g. `vehicles.csv row 7, column sale_date: ...`."""
        separator = "：" if str(lang) == Lang.ZH else ": "
        return f"{self.where(lang)}{separator}{self.message(lang)}"

    def __str__(self) -> str:
        return self.format(Lang.EN)


class ImportFailed(ValueError):
    """The exports could not be imported; `errors` lists every problem found.

    A ValueError (the input is wrong), so callers that report bad input catch it too.
    """

    def __init__(self, errors: Sequence[Issue]) -> None:
        self.errors: tuple[Issue, ...] = tuple(errors)
        super().__init__(self.format(Lang.EN))

    def format(self, lang: Lang | str = Lang.EN) -> str:
        """Every problem, one per line, under a heading, in `lang` ("en" or "zh")."""
        lines = [render("failed.header", lang, count=len(self.errors))]
        lines += [f"  {issue.format(lang)}" for issue in self.errors]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format(Lang.EN)
