"""Level names as the official forms print them: 一级指标, 二级指标, 三级指标 …"""

from __future__ import annotations

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    if n < 0:
        raise ValueError("negative level")
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def level_label(level: int) -> str:
    """1 → 一级, 2 → 二级, 12 → 十二级."""
    return f"{chinese_number(level)}级"
