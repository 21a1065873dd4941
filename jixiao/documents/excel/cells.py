"""Cell addresses and the value types of a layout's cells.

A value type turns what the reader gives (``None``, ``str``, ``Decimal``, ``bool``, ``date`` or
``datetime``; see :func:`jixiao.documents.excel.reading.normalise`) into the value the domain
stores, or raises :class:`Invalid` with a Chinese message; and turns a stored value back into
what the writer puts in the cell, with its number format. The same object does both directions,
which is what makes an export import again to the same data.

Tolerance is deliberate where people type by hand: full-width digits and signs (NFKC),
thousands separators, ``12%`` in percentage cells, ``2026年11月27日`` in date cells, choice
labels with stray spaces. Numbers that carry a binary-float tail from an Excel formula
(``0.30000000000000004``) are rounded to the declared places instead of refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from jixiao.documents.excel import errors as msg
from jixiao.documents.excel.errors import shown

# Excel keeps 15 significant digits; a Decimal with more cannot go through a cell and back.
EXCEL_DIGITS = 15
_FLOAT_TAIL = Decimal("1e-9")
_CELL_RE = re.compile(r"^([A-Za-z]{1,3})([1-9][0-9]{0,6})$")
_LETTERS = [""]  # _LETTERS[i] is the letter of column index i - 1; filled lazily


class Invalid(Exception):
    """A value that does not fit its type; ``message`` is the Chinese reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Addresses --------------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA" (0-based column index)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """ "A" → 0, "AA" → 26."""
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


def parse_cell(ref: str) -> tuple[int, int]:
    """ "B3" → (3, 1): the 1-based row as Excel shows it and the 0-based column index."""
    match = _CELL_RE.match(ref)
    if not match:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(match.group(2)), column_index(match.group(1))


def cell_ref(row: int, column: int) -> str:
    return f"{column_letter(column)}{row}"


# --- Text helpers -----------------------------------------------------------------------------


@lru_cache(maxsize=4096)  # labels and titles repeat on every sheet of a workbook
def squash(text: str) -> str:
    """Comparable form of a label or title: NFKC (full-width → half-width), no whitespace at
    all (also U+3000), no required-marker asterisks, lower case."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).replace("*", "").lower()


def number_text(value: Decimal) -> str:
    """A Decimal as a person writes it: 12, 12.5, 0.0001 (no exponent, no trailing zeros)."""
    return format(value.normalize(), "f") if value else "0"


# --- Value types ------------------------------------------------------------------------------


class CellType:
    """Base of the value types. ``parse`` never sees None: emptiness is the caller's concern."""

    num_format: str = "@"
    align: str = "left"
    width: float = 14

    def parse(self, value: Any) -> Any:
        raise NotImplementedError

    def to_cell(self, value: Any) -> Any:
        """What the writer puts in the cell for a stored value (not None)."""
        return value

    def display(self, value: Any) -> str:
        """The value as printed forms show it (PDF, Word); "" for None."""
        if value is None:
            return ""
        cell = self.to_cell(value)
        return cell if isinstance(cell, str) else str(cell)

    def list_values(self) -> list[str] | None:
        """Labels for a drop-down list in the exported sheet, if the type has a fixed set."""
        return None


@dataclass(frozen=True)
class Text(CellType):
    max_length: int | None = None
    width: float = 18
    wrap: bool = True

    def parse(self, value: Any) -> str:
        if isinstance(value, str):
            text = value
        elif isinstance(value, Decimal):
            text = number_text(value)
        elif isinstance(value, bool):
            text = "是" if value else "否"
        elif isinstance(value, datetime):
            text = value.isoformat(sep=" ") if value.time() else value.date().isoformat()
        elif isinstance(value, date):
            text = value.isoformat()
        else:
            raise Invalid(msg.NOT_TEXT.format(value=shown(value)))
        if self.max_length is not None and len(text) > self.max_length:
            raise Invalid(msg.TOO_LONG.format(limit=self.max_length, length=len(text)))
        return text


@dataclass(frozen=True)
class Number(CellType):
    """A Decimal. ``max_digits``/``places`` as Django's DecimalField; ``style`` chooses the
    exported format: "plain" (0.00 by places), "money" (#,##0.00) or "percent" (0.00%, the
    value is the fraction: 0.1234 shows as 12.34%). ``fixed=False`` makes ``places`` a maximum
    only: values keep their own decimals and show without trailing zeros (indicator targets:
    12, 0.5, 98.25)."""

    max_digits: int | None = None
    places: int | None = None
    min: Decimal | int | None = None
    max: Decimal | int | None = None
    style: str = "plain"
    fixed: bool = True
    width: float = 14
    align: str = "right"

    def __post_init__(self) -> None:
        if self.style not in ("plain", "money", "percent"):
            raise ValueError(f"unknown number style {self.style!r}")
        if self.max_digits is not None and self.max_digits > EXCEL_DIGITS:
            raise ValueError(f"Excel keeps {EXCEL_DIGITS} significant digits at most")

    @property
    def num_format(self) -> str:  # type: ignore[override]
        if not self.fixed and self.style == "plain":
            return "General"
        places = self._shown_places()
        decimals = "." + "0" * places if places else ""
        if self.style == "money":
            return "#,##0" + decimals
        if self.style == "percent":
            return "0" + decimals + "%"
        return "0" + decimals if places is not None else "General"

    def _shown_places(self) -> int | None:
        """Decimals shown: ``places`` of the value, less two for a percentage (0.8525 is
        85.25%); two by default for money and percentages."""
        if self.places is None:
            return 2 if self.style != "plain" else None
        return max(self.places - 2, 0) if self.style == "percent" else self.places

    def parse(self, value: Any) -> Decimal:
        if type(value) is Decimal:
            number = value
        elif isinstance(value, str):
            number = self._from_text(value)
        else:
            raise Invalid(msg.NOT_A_NUMBER.format(value=shown(value)))
        if not number.is_finite():
            raise Invalid(msg.NOT_A_NUMBER.format(value=shown(value)))
        if self.places is not None:
            number = self._round(number)
        return self._bounded(number)

    def _from_text(self, text: str) -> Decimal:
        plain = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
        percent = plain.endswith("%")
        try:
            number = Decimal(plain[:-1] if percent else plain)
        except InvalidOperation:
            raise Invalid(msg.NOT_A_NUMBER.format(value=shown(text))) from None
        if percent:
            if self.style != "percent":
                raise Invalid(msg.NOT_A_NUMBER.format(value=shown(text)))
            number = number.scaleb(-2)
        return number

    def _round(self, number: Decimal) -> Decimal:
        exponent = number.as_tuple().exponent
        places = self.places or 0
        if exponent == -places or (not self.fixed and int(exponent) > -places):
            return number
        try:
            rounded = number.quantize(Decimal(1).scaleb(-places))
        except InvalidOperation:
            raise Invalid(msg.NUMBER_TOO_LARGE.format(value=shown(number))) from None
        if abs(number - rounded) > _FLOAT_TAIL * max(1, abs(number)):
            raise Invalid(msg.TOO_MANY_PLACES.format(places=places, value=shown(number)))
        return rounded

    def _bounded(self, number: Decimal) -> Decimal:
        if self.max_digits is not None:
            whole = self.max_digits - (self.places or 0)
            if abs(number) >= Decimal(10) ** whole:
                raise Invalid(msg.TOO_MANY_DIGITS.format(digits=whole))
        if self.min is not None and number < self.min:
            raise Invalid(msg.TOO_SMALL.format(limit=self.min))
        if self.max is not None and number > self.max:
            raise Invalid(msg.TOO_LARGE.format(limit=self.max))
        return number

    def to_cell(self, value: Any) -> float:
        return float(value)

    def display(self, value: Any) -> str:
        if value is None:
            return ""
        places = self._shown_places()
        if not self.fixed:
            return number_text(value * 100) + "%" if self.style == "percent" else number_text(value)
        if self.style == "percent":
            return f"{value * 100:.{places}f}%"
        if self.style == "money":
            return f"{value:,.{places}f}"
        return f"{value:.{places}f}" if places is not None else number_text(value)


@dataclass(frozen=True)
class Integer(CellType):
    min: int | None = None
    max: int | None = None
    num_format: str = "0"
    width: float = 10
    align: str = "right"

    def parse(self, value: Any) -> int:
        if isinstance(value, str):
            value = _PLAIN_NUMBER._from_text(value)
        if type(value) is not Decimal or not value.is_finite() or value != int(value):
            raise Invalid(msg.NOT_AN_INTEGER.format(value=shown(value)))
        number = int(value)
        if self.min is not None and number < self.min:
            raise Invalid(msg.TOO_SMALL.format(limit=self.min))
        if self.max is not None and number > self.max:
            raise Invalid(msg.TOO_LARGE.format(limit=self.max))
        return number


_PLAIN_NUMBER = Number()
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


@dataclass(frozen=True)
class Date(CellType):
    min: date | None = None
    max: date | None = None
    num_format: str = "yyyy-mm-dd"
    width: float = 12
    align: str = "center"

    def parse(self, value: Any) -> date:
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        elif isinstance(value, str):
            day = self._from_text(value)
        else:
            raise Invalid(msg.NOT_A_DATE.format(value=shown(value)))
        if self.min is not None and day < self.min:
            raise Invalid(msg.TOO_SMALL.format(limit=self.min.isoformat()))
        if self.max is not None and day > self.max:
            raise Invalid(msg.TOO_LARGE.format(limit=self.max.isoformat()))
        return day

    def _from_text(self, text: str) -> date:
        plain = unicodedata.normalize("NFKC", text).strip()
        match = _DATE_RE.match(plain) or _DATE_COMPACT_RE.match(plain)
        try:
            if match:
                return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
        raise Invalid(msg.NOT_A_DATE.format(value=shown(text)))

    def display(self, value: Any) -> str:
        return value.isoformat() if value is not None else ""


@dataclass(frozen=True)
class Choice(CellType):
    """One of a fixed set, shown by Chinese labels: ``Choice({"≥": "gte", "定性": "qual"})``.
    Several labels may name the same value (aliases); the first one is exported."""

    labels: Mapping[str, Any]
    width: float = 10
    align: str = "center"
    _lookup: dict[str, Any] = field(init=False, repr=False, compare=False)
    _label_of: dict[Any, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_lookup", {squash(k): v for k, v in self.labels.items()})
        label_of: dict[Any, str] = {}
        for label, value in self.labels.items():
            label_of.setdefault(value, label)
        object.__setattr__(self, "_label_of", label_of)

    def parse(self, value: Any) -> Any:
        if isinstance(value, str) and value in self.labels:  # as exported: no clean-up needed
            return self.labels[value]
        key = squash(value if isinstance(value, str) else shown(value))
        try:
            return self._lookup[key]
        except KeyError:
            choices = "、".join(f"“{label}”" for label in self._label_of.values())
            raise Invalid(msg.UNKNOWN_CHOICE.format(choices=choices, value=shown(value))) from None

    def to_cell(self, value: Any) -> str:
        return self._label_of[value]

    def list_values(self) -> list[str]:
        return list(self._label_of.values())


_TRUE = frozenset({"是", "y", "yes", "true", "√", "✓", "1"})
_FALSE = frozenset({"否", "n", "no", "false", "×", "✗", "0"})


@dataclass(frozen=True)
class Bool(CellType):
    """是 / 否 (also a TRUE/FALSE cell, √ and ×, 1 and 0)."""

    width: float = 8
    align: str = "center"

    def parse(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if value in ("是", "否"):
            return value == "是"
        key = squash(value if isinstance(value, str) else shown(value))
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise Invalid(msg.NOT_A_BOOL.format(value=shown(value)))

    def to_cell(self, value: Any) -> str:
        return "是" if value else "否"

    def list_values(self) -> list[str]:
        return ["是", "否"]


TEXT = Text()
