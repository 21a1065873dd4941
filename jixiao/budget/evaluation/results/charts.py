"""Charts drawn on the server as SVG, without a browser: the page shows them inline and
WeasyPrint draws the same SVG into the PDF. Labels are escaped; the CJK font is named as the
PDF's body text is (Noto Sans CJK SC from Debian's fonts-noto-cjk)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

FONT = "Noto Sans CJK SC, sans-serif"
COLOURS = ("#0d6efd", "#198754", "#fd7e14", "#dc3545", "#6c757d", "#6610f2")


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    maximum: Decimal | None = None  # drawn as a light bar behind (e.g. the full score)


def bar_chart(title: str, bars: Sequence[Bar], *, unit: str = "", width: int = 560) -> str:
    """A horizontal bar chart: one row per bar, the value written at its end."""
    row, label_width, top = 30, 130, 34
    height = top + row * len(bars) + 12
    scale_max = max([b.maximum or b.value for b in bars] + [Decimal(1)])
    plot = width - label_width - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}" font-size="12">',
        f'<text x="{width // 2}" y="18" text-anchor="middle" font-size="14" '
        f'font-weight="bold">{escape(title)}</text>',
    ]
    for n, bar in enumerate(bars):
        y = top + n * row
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(bar.label)}</text>'
        )
        if bar.maximum is not None:
            full = float(bar.maximum / scale_max) * plot
            parts.append(
                f'<rect x="{label_width}" y="{y + 3}" width="{full:.1f}" height="18" '
                f'fill="#e9ecef"/>'
            )
        length = float(bar.value / scale_max) * plot if scale_max else 0
        colour = COLOURS[n % len(COLOURS)]
        parts.append(
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="18" '
            f'fill="{colour}"/>'
        )
        shown = f"{bar.value.normalize():f}"
        if bar.maximum is not None:
            shown += f"/{bar.maximum.normalize():f}"
        parts.append(
            f'<text x="{label_width + max(length, 0) + 6:.1f}" y="{y + 16}">'
            f"{escape(shown + unit)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
