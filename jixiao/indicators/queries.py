"""Reads of indicator trees shared by pages, the API and reports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from jixiao.indicators.levels import level_label
from jixiao.indicators.library import owned_visible_q
from jixiao.indicators.models import Indicator, IndicatorTree, TreeKind
from jixiao.indicators.services import INDICATOR_VIEW


def templates_visible(user: Any) -> QuerySet[IndicatorTree]:
    """System-wide templates for everyone who may view indicators, plus the templates of
    the organisations in the user's scope and of those above it (a supervising department's
    template serves its units)."""
    visible = owned_visible_q(user, INDICATOR_VIEW)
    if visible is None:
        return IndicatorTree.objects.none()
    return (
        IndicatorTree.objects.filter(visible, kind=TreeKind.TEMPLATE, is_active=True)
        .annotate(indicator_count=Count("indicators"))
        .select_related("organization")
        .order_by("domain", "name")
    )


def get_template_for_user(user: Any, pk: Any) -> IndicatorTree:
    try:
        return templates_visible(user).get(pk=pk)
    except (IndicatorTree.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    depth: int
    level_label: str
    is_group: bool


def tree_rows(tree: IndicatorTree) -> list[Row]:
    """The tree in reading order (depth first), one query."""
    children: dict[int | None, list[Indicator]] = defaultdict(list)
    for node in tree.indicators.order_by("position", "id"):
        children[node.parent_id].append(node)
    rows: list[Row] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for node in children.get(parent_id, []):
            rows.append(Row(node, depth, level_label(node.level), node.pk in children))
            walk(node.pk, depth + 1)

    walk(None, 0)
    return rows
