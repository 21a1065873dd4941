"""Reading typed fields of one JSON object, collecting Chinese error messages.

Every message names where the problem is: the item's path (“产出指标 / 数量指标 / 新建改造供水
工程”) or the sheet itself (评分表), then the problem (缺少字段 target).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from .numbers import (
    MAX_ADJUSTED_EXPONENT,
    MIN_ADJUSTED_EXPONENT,
    PLAIN_HIGH,
    PLAIN_LOW,
    ZERO,
    plain,
    to_decimal,
)

SHEET_WHERE = "评分表"
MSG_LOCATED = "“{where}”：{problem}"
MSG_MISSING = "缺少字段 {field}"
MSG_NOT_NUMBER = "字段 {field} 应为数值，实际为{got}"
MSG_NOT_FINITE = "字段 {field} 应为有限数值，实际为{got}"
MSG_OUT_OF_RANGE = "字段 {field} 的数值{got}超出允许范围（非零数值的绝对值应在1e-12到1e16之间）"
MSG_NEGATIVE = "字段 {field} 不能为负数，实际为{got}"
MSG_NOT_POSITIVE = "字段 {field} 应大于0，实际为{got}"
MSG_NOT_TEXT = "字段 {field} 应为文字，实际为{got}"
MSG_BAD_TEXT = "字段 {field} 含有无效的 Unicode 字符（孤立的代理码位）"
MSG_NOT_BOOL = "字段 {field} 应为 true 或 false，实际为{got}"

_SHOW_LIMIT = 40


def show(value: object) -> str:
    """A user-supplied value described in Chinese for an error message (short, printable)."""
    if value is None:
        return "空值 null"
    if isinstance(value, bool):
        return f"布尔值 {'true' if value else 'false'}"
    number = to_decimal(value)
    if number is not None:
        return clip(plain(number) if number.is_finite() else str(number))
    if isinstance(value, str):
        return f"文字“{clip(value)}”"
    if isinstance(value, Mapping):
        return "对象" if value else "空对象"
    if isinstance(value, list | tuple):
        return "列表" if value else "空列表"
    return type(value).__name__


def clip(text: str) -> str:
    """Shortened and made encodable (lone surrogates escaped), for messages."""
    if len(text) > _SHOW_LIMIT:
        text = text[:_SHOW_LIMIT] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def where(path: Sequence[str]) -> str:
    """The item path as shown in messages: “产出指标 / 数量指标 / 新建改造供水工程”."""
    return " / ".join(clip(name) for name in path) if path else SHEET_WHERE


def located(path: Sequence[str], problem: str) -> str:
    """A complete message: where, then what."""
    return MSG_LOCATED.format(where=where(path), problem=problem)


def is_clean_text(text: str) -> bool:
    """False when the text holds lone surrogates (valid JSON, but not encodable as UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class FieldReader:
    """Reads fields of one object; a bad field appends a message and reads as None."""

    __slots__ = ("errors", "node", "path", "prefix")

    def __init__(
        self,
        node: Mapping[str, Any],
        path: Sequence[str],
        errors: list[str],
        prefix: str = "",
    ) -> None:
        self.node = node
        self.path = path
        self.errors = errors
        #: Put before field names in messages, for nested objects: "adjustment.", "tiers[2]."
        self.prefix = prefix

    def fail(self, problem: str) -> None:
        """Record a problem of this object."""
        self.errors.append(located(self.path, problem))

    def number(
        self, field: str, *, required: bool = True, negative: bool = False
    ) -> Decimal | None:
        """A finite number within the engine's range, not negative unless allowed.

        null counts as missing.
        """
        value = self.node.get(field)
        if type(value) is Decimal and value.is_finite() and PLAIN_LOW <= value < PLAIN_HIGH:
            return value  # the common case, checked without the general path below
        if value is None:
            if required:
                self.fail(MSG_MISSING.format(field=self.prefix + field))
            return None
        number = to_decimal(value)
        if number is None:
            self.fail(MSG_NOT_NUMBER.format(field=self.prefix + field, got=show(value)))
            return None
        return self._checked(field, number, negative)

    def _checked(self, field: str, number: Decimal, negative: bool) -> Decimal | None:
        if not number.is_finite():
            self.fail(MSG_NOT_FINITE.format(field=self.prefix + field, got=number))
            return None
        if not number:
            return ZERO  # also turns -0 into 0
        exponent = number.adjusted()
        if exponent > MAX_ADJUSTED_EXPONENT or exponent < MIN_ADJUSTED_EXPONENT:
            self.fail(MSG_OUT_OF_RANGE.format(field=self.prefix + field, got=show(number)))
            return None
        if not negative and number < 0:
            self.fail(MSG_NEGATIVE.format(field=self.prefix + field, got=show(number)))
            return None
        return number

    def positive(self, field: str) -> Decimal | None:
        """A required number greater than zero."""
        number = self.number(field)
        if number is not None and not number:
            self.fail(MSG_NOT_POSITIVE.format(field=self.prefix + field, got=show(number)))
            return None
        return number

    def text(self, field: str, required: bool = False) -> str | None:
        """A string; null counts as missing."""
        value = self.node.get(field)
        if value is None:
            if required:
                self.fail(MSG_MISSING.format(field=self.prefix + field))
            return None
        if type(value) is not str:
            self.fail(MSG_NOT_TEXT.format(field=self.prefix + field, got=show(value)))
            return None
        if not is_clean_text(value):
            self.fail(MSG_BAD_TEXT.format(field=self.prefix + field))
            return None
        return value

    def flag(self, field: str, default: bool) -> bool:
        """A boolean; null or absent gives the default."""
        value = self.node.get(field)
        if value is None:
            return default
        if type(value) is not bool:
            self.fail(MSG_NOT_BOOL.format(field=self.prefix + field, got=show(value)))
            return default
        return value
