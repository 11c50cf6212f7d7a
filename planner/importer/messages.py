"""Import problems in plain words, in English and Simplified Chinese.

Every problem found while reading a dealer's exports is an `Issue`: where it is (file,
row or line, column or key), the offending value, and a message id from `MESSAGES`
with its parameters. `ImportFailed` carries all of them at once.

The table is deliberately a plain dict (id -> {"en": ..., "zh": ...}) of `str.format`
templates so that it can be merged into a project-wide translation table later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from planner.domain.values import Lang

MESSAGES: dict[str, dict[str, str]] = {
    # -- where a problem is ------------------------------------------------------
    "where.file": {"en": "{file}", "zh": "{file}"},
    "where.row": {"en": "{file} row {row}", "zh": "{file} 第 {row} 行"},
    "where.row_column": {
        "en": "{file} row {row}, column {column}",
        "zh": "{file} 第 {row} 行，{column} 列",
    },
    "where.line": {"en": "{file} line {row}", "zh": "{file} 第 {row} 行"},
    "where.line_key": {
        "en": "{file} line {row}, key {column}",
        "zh": "{file} 第 {row} 行，键 {column}",
    },
    "where.key": {"en": "{file}, key {column}", "zh": "{file}，键 {column}"},
    "failed.header": {
        "en": "the import failed with {count} error(s):",
        "zh": "导入失败，共 {count} 个错误：",
    },
    # -- files -------------------------------------------------------------------
    "file.missing": {
        "en": "the file does not exist (looked for {path})",
        "zh": "文件不存在（查找路径：{path}）",
    },
    "file.not_utf8": {
        "en": "the file is not UTF-8 text (save it as 'CSV UTF-8')",
        "zh": "文件不是 UTF-8 编码（请另存为“CSV UTF-8”格式）",
    },
    "file.empty": {
        "en": "the file is empty (a header row is needed)",
        "zh": "文件为空（需要表头行）",
    },
    "file.missing_column": {
        "en": "the header has no column '{column}'",
        "zh": "表头缺少“{column}”列",
    },
    "file.duplicate_column": {
        "en": "the header names column '{column}' twice",
        "zh": "表头中“{column}”列出现了两次",
    },
    "file.too_many_fields": {
        "en": "the row has {count} fields but the header has {expected}",
        "zh": "该行有 {count} 个字段，但表头只有 {expected} 列",
    },
    "toml.syntax": {"en": "this is not valid TOML: {detail}", "zh": "TOML 格式错误：{detail}"},
    "toml.not_a_table": {
        "en": "expected a table, got '{value}'",
        "zh": "此处应为表（table），实际为“{value}”",
    },
    "toml.not_a_list_of_tables": {
        "en": "expected a list of tables ([[{column}]])",
        "zh": "此处应为表数组（[[{column}]]）",
    },
    "toml.unknown_key": {
        "en": "'{value}' is not a known setting here (expected one of: {choices})",
        "zh": "“{value}”不是此处可用的设置项（可选：{choices}）",
    },
    # -- values ------------------------------------------------------------------
    "value.missing": {"en": "a value is required", "zh": "此项必填"},
    "value.not_text": {"en": "'{value}' is not text", "zh": "“{value}”不是文本"},
    "value.too_long": {
        "en": "'{value}' is longer than {limit} characters",
        "zh": "“{value}”超过 {limit} 个字符",
    },
    "value.not_a_date": {
        "en": "'{value}' is not a date (YYYY-MM-DD)",
        "zh": "“{value}”不是有效日期（格式 YYYY-MM-DD）",
    },
    "value.not_a_timestamp": {
        "en": "'{value}' is not a timestamp (ISO 8601, like 2024-05-01T09:15 or with +08:00)",
        "zh": "“{value}”不是有效时间（ISO 8601 格式，如 2024-05-01T09:15，可带 +08:00）",
    },
    "value.not_an_integer": {"en": "'{value}' is not a whole number", "zh": "“{value}”不是整数"},
    "value.not_a_number": {"en": "'{value}' is not a number", "zh": "“{value}”不是数字"},
    "value.not_a_boolean": {
        "en": "'{value}' is not a yes/no value (true, false, 1, 0, yes, no)",
        "zh": "“{value}”不是是/否值（true、false、1、0、yes、no）",
    },
    "value.not_a_list": {"en": "'{value}' is not a list", "zh": "“{value}”不是列表"},
    "value.negative": {"en": "'{value}' must not be negative", "zh": "“{value}”不能为负数"},
    "value.below_minimum": {
        "en": "'{value}' must be at least {minimum}",
        "zh": "“{value}”不能小于 {minimum}",
    },
    "value.not_positive": {
        "en": "'{value}' must be greater than zero",
        "zh": "“{value}”必须大于零",
    },
    "value.not_in_choices": {
        "en": "'{value}' is not one of: {choices}",
        "zh": "“{value}”不是允许的取值（可选：{choices}）",
    },
    "value.not_a_time_range": {
        "en": "'{value}' is not a time range like 09:00-12:00",
        "zh": "“{value}”不是有效时间段（格式如 09:00-12:00）",
    },
    "value.time_range_backwards": {
        "en": "'{value}' ends before it starts",
        "zh": "“{value}”的结束时间早于开始时间",
    },
    "value.not_hours_or_closed": {
        "en": "'{value}' is neither a time range like 08:30-18:00 nor '{closed}'",
        "zh": "“{value}”既不是时间段（如 08:30-18:00）也不是“{closed}”",
    },
    "value.not_a_part_quantity": {
        "en": "'{value}' is not a part and quantity like P-0001x2",
        "zh": "“{value}”不是“零件号x数量”格式（如 P-0001x2）",
    },
    "value.unknown_time_zone": {
        "en": "'{value}' is not a known time zone (like Asia/Shanghai)",
        "zh": "“{value}”不是已知时区（如 Asia/Shanghai）",
    },
    "value.vin_length": {
        "en": "'{value}' has {length} characters; a VIN has 17",
        "zh": "“{value}”有 {length} 个字符，车架号（VIN）应为 17 位",
    },
    "value.duplicate_row": {
        "en": "'{value}' appears more than once (first on row {first})",
        "zh": "“{value}”重复出现（首次出现在第 {first} 行）",
    },
    "value.duplicate_entry": {
        "en": "'{value}' appears more than once (first on line {first})",
        "zh": "“{value}”重复出现（首次出现在第 {first} 行）",
    },
    "value.duplicate_in_list": {
        "en": "'{value}' is listed twice",
        "zh": "“{value}”在列表中出现了两次",
    },
    "value.list_length": {
        "en": "'{value}' has {count} item(s) but {other} has {expected}: one each, or one for all",
        "zh": "“{value}”有 {count} 项，而 {other} 有 {expected} 项；请逐项对应或只填一个",
    },
    "value.list_length_exact": {
        "en": "'{value}' has {count} item(s) but {other} has {expected}; give one for each",
        "zh": "“{value}”有 {count} 项，而 {other} 有 {expected} 项；请逐项对应",
    },
    # -- rules between fields --------------------------------------------------------
    "rule.closed_before_opened": {
        "en": "'{value}' is before the opening time {opened}",
        "zh": "“{value}”早于开单时间 {opened}",
    },
    "rule.warranty_before_sale": {
        "en": "'{value}' is before the sale date {sale_date}",
        "zh": "“{value}”早于销售日期 {sale_date}",
    },
    "rule.ends_before_start": {
        "en": "'{value}' is before the start {start}",
        "zh": "“{value}”早于开始日期 {start}",
    },
    "rule.break_cuts_shift": {
        "en": "the break {value} overlaps the edge of the shift {shift}",
        "zh": "休息时间 {value} 与班次 {shift} 的边界重叠",
    },
    "rule.domain": {"en": "{detail}", "zh": "数据不符合规则：{detail}"},
    # -- references --------------------------------------------------------------
    "ref.unknown_part": {
        "en": "'{value}' is not a part number in {source}",
        "zh": "“{value}”不是 {source} 中的零件号",
    },
    "ref.unknown_operation": {
        "en": "'{value}' is not an op code in {source}",
        "zh": "“{value}”不是 {source} 中的工时项目代码",
    },
    "ref.unknown_customer": {
        "en": "'{value}' is not a customer number in {source}",
        "zh": "“{value}”不是 {source} 中的客户编号",
    },
    "ref.unknown_vehicle": {
        "en": "'{value}' is not a VIN in {source}",
        "zh": "“{value}”不是 {source} 中的车架号",
    },
    "ref.unknown_repair_order": {
        "en": "'{value}' is not a repair order number in {source}",
        "zh": "“{value}”不是 {source} 中的工单号",
    },
    "ref.unknown_advisor": {
        "en": "'{value}' is not a service advisor code in {source}",
        "zh": "“{value}”不是 {source} 中的服务顾问代码",
    },
    "ref.unknown_technician": {
        "en": "'{value}' is not a technician code in {source}",
        "zh": "“{value}”不是 {source} 中的技师代码",
    },
    "ref.unknown_staff": {
        "en": "'{value}' is not an advisor or technician code in {source}",
        "zh": "“{value}”不是 {source} 中的服务顾问或技师代码",
    },
    "ref.unknown_bay": {
        "en": "'{value}' is not a bay code in {source}",
        "zh": "“{value}”不是 {source} 中的工位代码",
    },
    # -- the database ------------------------------------------------------------
    "db.dealer_exists": {
        "en": "dealer '{value}' is already in this database; import with replace to overwrite it",
        "zh": "经销商“{value}”已存在于数据库中；如需覆盖，请使用替换（replace）方式导入",
    },
}


def render(message_id: str, lang: Lang | str = Lang.EN, **params: object) -> str:
    """The message `message_id` in `lang` (English when the language is unknown)."""
    texts = MESSAGES[message_id]
    template = texts.get(str(lang), texts["en"])
    return template.format(**params)


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


class ImportFailed(Exception):
    """The exports could not be imported; `errors` lists every problem found."""

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
