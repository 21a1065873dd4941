"""From an indicator tree and its actual values to a scoring-engine sheet and its result.

The tree is read in one query; the sheet is the ``jixiao-sheet/1`` document the engine and
``jixiao score`` understand, so a score shown in a page can be reproduced from the command line.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from jixiao.indicators.models import Indicator, IndicatorTree
from jixiao.indicators.scoring import SheetResult, parse_sheet, score_sheet

# Value keys a domain may give per leaf (actual values, evaluator input, published scores).
VALUE_KEYS = (
    "actual",
    "level",
    "score",
    "explanation",
    "applicable",
    "adjustment",
    "budget",
    "executed",
    "value",
    "count",
    "published_score",
)


def tree_nodes(tree: IndicatorTree) -> list[Indicator]:
    return list(tree.indicators.order_by("level", "position", "id"))


def sheet_json(sheet: dict[str, Any]) -> str:
    """The sheet as JSON text for ``jixiao score`` (decimals written as plain numbers)."""
    return json.dumps(sheet, ensure_ascii=False, indent=1, default=_number)


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Shortest repr of a float of up to 15 significant digits reads back as the same
        # decimal (the CLI parses numbers as Decimal).
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def tree_to_sheet(
    tree: IndicatorTree,
    values: dict[int, dict[str, Any]] | None = None,
    *,
    title: str = "",
    published_total: Any = None,
) -> dict[str, Any]:
    """The ``jixiao-sheet/1`` document for ``tree`` with ``values`` keyed by indicator id."""
    values = values or {}
    children: dict[int | None, list[Indicator]] = defaultdict(list)
    for node in tree_nodes(tree):
        children[node.parent_id].append(node)
    for siblings in children.values():
        siblings.sort(key=lambda n: (n.position, n.id))

    def scored(node: Indicator) -> bool:
        """Leaves with a rule, and groups holding one; an empty category is left out."""
        return bool(node.rule) or any(scored(c) for c in children.get(node.id, []))

    def build(node: Indicator) -> dict[str, Any]:
        if children.get(node.id):
            kids = [build(c) for c in children[node.id] if scored(c)]
            return {"name": node.name, "children": kids}
        return _leaf(node, values.get(node.id, {}))

    sheet: dict[str, Any] = {
        "format": "jixiao-sheet/1",
        "title": title or tree.name,
        "scale": tree.scale,
        "decimals": tree.decimals,
        "rounding": str(tree.rounding),
        "qualitative_bands": [Decimal(str(b)) for b in tree.qualitative_bands],
        "grades": tree.grades,
        "items": [build(n) for n in children[None] if scored(n)],
    }
    if published_total is not None:
        sheet["published_total"] = published_total
    return sheet


def _leaf(node: Indicator, value: dict[str, Any]) -> dict[str, Any]:
    leaf: dict[str, Any] = {"name": node.name, "rule": str(node.rule)}
    if node.full_score is not None:
        leaf["full"] = node.full_score
    if node.target_value is not None:
        leaf["target"] = node.target_value.normalize()
    if node.unit:
        leaf["unit"] = node.unit
    leaf.update(node.rule_params or {})
    leaf.update({k: v for k, v in value.items() if k in VALUE_KEYS})
    return leaf


def tree_score(
    tree: IndicatorTree, values: dict[int, dict[str, Any]] | None = None, *, title: str = ""
) -> SheetResult:
    """Score ``tree`` with ``values``; raises ``SheetError`` (Chinese, with paths) if refused."""
    return score_sheet(parse_sheet(tree_to_sheet(tree, values, title=title)))
