"""What an import found wrong, cell by cell, in Chinese.

An import checks everything first and writes nothing when anything is wrong: the parser adds
every problem to an :class:`ImportErrors` collector (sheet, row, column letter, field and a
message), and the domain's import raises :class:`ImportRefused` before it commits (or from inside
its transaction, so the database rolls back). The collector keeps the first ``limit`` errors and
counts the rest, so a workbook with a wrong column in 100 000 rows gives a readable answer.

Messages are defined here once, so tests and domains can assert and reuse them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jixiao.orgs.errors import DomainError

# --- Messages about one value ---------------------------------------------------------------
REQUIRED = "不能为空"
NOT_A_NUMBER = "应为数字，实际为“{value}”"
NOT_AN_INTEGER = "应为整数，实际为“{value}”"
NOT_A_DATE = "应为日期（如 2026-11-27），实际为“{value}”"
NOT_A_BOOL = "应为“是”或“否”，实际为“{value}”"
UNKNOWN_CHOICE = "应为{choices}之一，实际为“{value}”"
TOO_SMALL = "不能小于{limit}"
TOO_LARGE = "不能大于{limit}"
NUMBER_TOO_LARGE = "数值过大：“{value}”"
TOO_MANY_DIGITS = "整数部分不能超过{digits}位"
TOO_MANY_PLACES = "最多保留{places}位小数，实际为“{value}”"
TOO_LONG = "不能超过{limit}个字（实际{length}个字）"
NOT_TEXT = "应为文字，实际为“{value}”"

# --- Messages about the layout of a sheet ---------------------------------------------------
LABEL_MISMATCH = "应为“{expected}”，实际为“{value}”：请使用本系统导出的模板，不要插入或删除行列"
HEADER_NOT_FOUND = "未找到表头行（应包含：{titles}）：请使用本系统导出的模板"
COLUMN_MISSING = "表头缺少“{title}”列"
COLUMN_TWICE = "表头“{title}”出现了两次（{first}列和{second}列）"
TOO_FEW_ROWS = "至少应填写{count}行数据"

# --- Messages about the file ----------------------------------------------------------------
FILE_UNREADABLE = "无法读取文件：不是有效的 Excel 工作簿（.xlsx / .xls），或文件已损坏"
FILE_ENCRYPTED = "无法读取文件：工作簿设有打开密码，请取消密码后再导入"
FILE_TOO_LARGE = "文件解压后过大（{size}MB，上限{limit}MB）：请拆分后再导入"
SHEET_TOO_LARGE = "工作表过大（{cells}个单元格，上限{limit}个）：请拆分后再导入"
SHEET_MISSING = "工作簿中没有名为“{sheet}”的工作表"
NO_SHEETS = "工作簿中没有可导入的工作表"

# --- Summaries --------------------------------------------------------------------------------
MORE_ERRORS = "……另有{count}处错误未列出"
REFUSED = "导入未完成：发现{count}处错误，未写入任何数据。"

DEFAULT_LIMIT = 500
_VALUE_SHOWN = 30


def shown(value: Any) -> str:
    """A cell value as quoted in a message: plain text, cut to a readable length."""
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= _VALUE_SHOWN else text[: _VALUE_SHOWN - 1] + "…"


@dataclass(frozen=True, slots=True)
class CellError:
    """One problem, located as precisely as known (``row``/``column`` may be None)."""

    sheet: str | None
    row: int | None
    column: str | None
    field_label: str | None
    message: str

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """工作表“项目A”第12行D列（指标值）：应为数字，实际为“十二”"""
        where = f"工作表“{self.sheet}”" if self.sheet is not None else "文件"
        if self.row is not None:
            where += f"第{self.row}行"
        if self.column is not None:
            where += f"{self.column}列"
        if self.field_label:
            where += f"（{self.field_label}）"
        return f"{where}：{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "field": self.field_label,
            "message": self.message,
            "text": self.text,
        }


class ImportErrors:
    """Collects the errors of one import; keeps the first ``limit`` and counts all of them."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self.errors: list[CellError] = []
        self.total = 0

    def add(
        self,
        message: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        field_label: str | None = None,
    ) -> None:
        self.total += 1
        if len(self.errors) < self.limit:
            self.errors.append(CellError(sheet, row, column, field_label, message))

    def extend(self, other: ImportErrors) -> None:
        for error in other.errors:
            self.add(
                error.message,
                sheet=error.sheet,
                row=error.row,
                column=error.column,
                field_label=error.field_label,
            )
        self.total += other.total - len(other.errors)

    @property
    def more(self) -> int:
        """How many errors were counted but not kept."""
        return self.total - len(self.errors)

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[CellError]:
        return iter(self.errors)

    def messages(self) -> list[str]:
        """Every kept error as a Chinese sentence, and a last line for those not kept."""
        lines = [error.text for error in self.errors]
        if self.more:
            lines.append(MORE_ERRORS.format(count=self.more))
        return lines

    def raise_if_any(self) -> None:
        if self:
            raise ImportRefused(self)


class ImportRefused(DomainError):
    """Raised when an import found any error: nothing was (or may be) written."""

    def __init__(self, errors: ImportErrors) -> None:
        super().__init__(REFUSED.format(count=errors.total))
        self.errors = errors

    def messages(self) -> list[str]:
        return self.errors.messages()
