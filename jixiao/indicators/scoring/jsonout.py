"""JSON output with exact decimal numbers (``json`` cannot write ``Decimal`` as a number)."""

from __future__ import annotations

from decimal import Decimal
from json.encoder import encode_basestring  # the C encoder json.dumps(ensure_ascii=False) uses
from typing import Any

_CONSTANTS = {None: "null", True: "true", False: "false"}


def dumps(value: Any, indent: int | None = 1) -> str:
    """``value`` as JSON text, non-ASCII kept, ``Decimal`` written as a plain JSON number.

    Handles what results are made of: dict, list, tuple, str, Decimal, int, bool and None.
    """
    parts: list[str] = []
    _write(value, parts, indent, 0)
    return "".join(parts)


def _write(value: Any, out: list[str], indent: int | None, level: int) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is Decimal:
        out.append(format(value, "f"))
    elif kind is dict:
        _write_dict(value, out, indent, level)
    elif kind is list or kind is tuple:
        _write_list(value, out, indent, level)
    elif value is None or kind is bool:
        out.append(_CONSTANTS[value])
    elif kind is int:
        out.append(str(value))
    else:
        raise TypeError(f"cannot write {kind.__name__} as JSON")


def _separators(indent: int | None, level: int) -> tuple[str, str]:
    """(before an entry, before the closing bracket)."""
    if indent is None:
        return "", ""  # entries then follow ", " as with json.dumps
    return "\n" + " " * (indent * (level + 1)), "\n" + " " * (indent * level)


def _write_dict(value: dict[str, Any], out: list[str], indent: int | None, level: int) -> None:
    if not value:
        out.append("{}")
        return
    inner, outer = _separators(indent, level)
    opening = "{"
    for key, entry in value.items():
        out.append(opening + inner + encode_basestring(key) + ": ")
        _write(entry, out, indent, level + 1)
        opening = ", " if indent is None else ","
    out.append(outer + "}")


def _write_list(
    value: list[Any] | tuple[Any, ...], out: list[str], indent: int | None, level: int
) -> None:
    if not value:
        out.append("[]")
        return
    inner, outer = _separators(indent, level)
    opening = "["
    for entry in value:
        out.append(opening + inner)
        _write(entry, out, indent, level + 1)
        opening = ", " if indent is None else ","
    out.append(outer + "]")
