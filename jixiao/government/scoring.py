"""The result of a scheme, explained (GOV-1, GOV-4).

Each part is its indicator tree scored by the engine with the items' values:

- an item with a target (≥ ≤ =) uses its actual value to date — the sum of its periods or the
  latest one, or for the satisfaction item the public survey's satisfaction rate — and the
  engine's rule; when the leadership group's office scored it otherwise, its score replaces
  the rule's as an adjustment with the office's comment as reason;
- a qualitative item takes the office's score, within the band of its level;
- an item not scored yet and without a value counts 0 (said so), and the result is marked
  incomplete.

Then, exactly (Decimal, no rounding until the end):

    考核组得分 = 量化评估 × 量化权重 + 社会评估 × 社会权重
    总分 = Σ 评价主体得分 × 权重 + 加分        (rounded half-up to 2 decimals at the end)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jixiao.documents.language import official_text
from jixiao.government.models import Aggregation, Item, Part, Rater, Scheme
from jixiao.indicators.models import Indicator, IndicatorTree
from jixiao.indicators.scoring import SheetResult
from jixiao.indicators.sheets import tree_nodes, tree_score
from jixiao.lib.plain import plain

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
TARGET_RULES = frozenset({"gte", "lte", "eq", "lte_ratio"})
NOT_SCORED = "尚未考核评分，暂计0分"
NO_VALUE = "尚无完成值"
REVIEWED_BY_OFFICE = "领导小组办公室考核评定"


@dataclass(frozen=True)
class Feed:
    """An actual value coming from outside the item (the survey's satisfaction rate)."""

    value: Decimal
    explanation: str


# indicator id → Feed; filled by the social assessment link (see social.py).
FeedFinder = Callable[[Scheme, list[Item]], dict[int, Feed]]


@dataclass
class ItemScore:
    item: Item
    full: Decimal
    score: Decimal
    actual: Decimal | None
    reviewed: bool  # scored by the office, or by the public survey
    explain: str
    feed: Feed | None = None

    @property
    def rate(self) -> Decimal:
        """Score as a percentage of the item's full score (2 decimals)."""
        if not self.full:
            return Decimal(0)
        return (self.score * HUNDRED / self.full).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class PartResult:
    part: str
    label: str  # lazy: the reader's language on a page; explanation() says it in Chinese
    weight: Decimal
    sheet: SheetResult
    items: list[ItemScore]

    @property
    def total(self) -> Decimal:
        return self.sheet.total

    @property
    def weighted(self) -> Decimal:
        return self.sheet.total * self.weight / HUNDRED


@dataclass
class RaterLine:
    name: str
    weight: Decimal
    score: Decimal | None
    is_assessment: bool
    note: str = ""

    @property
    def weighted(self) -> Decimal:
        return (self.score or Decimal(0)) * self.weight / HUNDRED


@dataclass
class SchemeResult:
    scheme: Scheme
    parts: list[PartResult]
    assessment: Decimal
    raters: list[RaterLine]
    bonus: Decimal
    exact_total: Decimal
    total: Decimal
    grade: str
    complete: bool
    missing: list[str] = field(default_factory=list)

    @property
    def items(self) -> list[ItemScore]:
        return [i for part in self.parts for i in part.items]

    def explanation(self) -> list[str]:
        """The combination, line by line, in Chinese."""
        lines = [
            f"{official_text(part.label)}得分 {plain(part.total)} × 权重 {plain(part.weight)}% = "
            f"{plain(part.weighted)}"
            for part in self.parts
        ]
        lines.append(
            f"考核组得分 = {' + '.join(plain(p.weighted) for p in self.parts)} = "
            f"{plain(self.assessment)}"
        )
        for rater in self.raters:
            score = "未评分（暂计0分）" if rater.score is None else plain(rater.score)
            lines.append(
                f"{rater.name}：{score} × 权重 {plain(rater.weight)}% = {plain(rater.weighted)}"
            )
        if self.bonus:
            reason = f"（{self.scheme.bonus_reason}）" if self.scheme.bonus_reason else ""
            lines.append(f"加分 {plain(self.bonus)}{reason}")
        parts = [plain(r.weighted) for r in self.raters]
        if self.bonus:
            parts.append(plain(self.bonus))
        lines.append(
            f"总分 = {' + '.join(parts)} = {plain(self.exact_total)}，"
            f"四舍五入保留两位小数为 {plain(self.total)}，等级：{self.grade}"
        )
        if not self.complete:
            lines.append("结果尚不完整：" + "；".join(self.missing))
        return lines


def actual_to_date(item: Item, values: Iterable[Any] | None = None) -> Decimal | None:
    """The item's actual value so far: the sum of its periods, or the latest period's."""
    rows = sorted(values if values is not None else item.values.all(), key=lambda v: v.period)
    if not rows:
        return None
    if item.aggregation == Aggregation.LATEST:
        return rows[-1].value.normalize()
    return sum((r.value for r in rows), Decimal(0)).normalize()


def scheme_result(scheme: Scheme, feeds: FeedFinder | None = None) -> SchemeResult:
    items = list(
        scheme.items.select_related("indicator", "office", "responsible").prefetch_related("values")
    )
    found = feeds(scheme, items) if feeds is not None else {}
    parts = [
        _part(
            Part.QUANTITATIVE, scheme.quantitative_tree, scheme.quantitative_weight, items, found
        ),
        _part(Part.SOCIAL, scheme.social_tree, scheme.social_weight, items, found),
    ]
    assessment = sum((p.weighted for p in parts), Decimal(0))
    raters = [
        RaterLine(
            r.name, r.weight, assessment if r.is_assessment else r.score, r.is_assessment, r.note
        )
        for r in Rater.objects.filter(scheme=scheme).order_by("position", "id")
    ]
    bonus = scheme.bonus_points or Decimal(0)
    exact = sum((r.weighted for r in raters), Decimal(0)) + bonus
    exact = max(exact, Decimal(0))
    total = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    missing = [f"{i.item.indicator.name}未考核评分" for i in _all(parts) if not i.reviewed]
    missing += [f"{r.name}未评分" for r in raters if r.score is None]
    grade = _grade(scheme.quantitative_tree, total)
    return SchemeResult(
        scheme, parts, assessment, raters, bonus, exact, total, grade, not missing, missing
    )


def _all(parts: list[PartResult]) -> list[ItemScore]:
    return [i for p in parts for i in p.items]


def _grade(tree: IndicatorTree, total: Decimal) -> str:
    for grade in sorted(tree.grades, key=lambda g: Decimal(str(g["min"])), reverse=True):
        if total >= Decimal(str(grade["min"])):
            return str(grade["label"])
    return ""


def _part(
    part: str,
    tree: IndicatorTree,
    weight: Decimal,
    items: list[Item],
    feeds: dict[int, Feed],
) -> PartResult:
    mine = {i.indicator_id: i for i in items if i.part == part}
    nodes = tree_nodes(tree)
    bands = [Decimal(str(b)) for b in tree.qualitative_bands]
    values: dict[int, dict[str, Any]] = {}
    actuals: dict[int, Decimal | None] = {}
    for node_id, item in mine.items():
        feed = feeds.get(node_id)
        actual = feed.value if feed is not None else actual_to_date(item, item.values.all())
        actuals[node_id] = actual
        values[node_id] = _leaf_values(item, actual, bands)
    first = tree_score(tree, values)
    paths = _paths(nodes)
    # Second pass: the office's score replaces a rule's where they differ.
    computed = {paths[tuple(r.path)]: r.score for r in first.items if tuple(r.path) in paths}
    redo = False
    for node_id, item in mine.items():
        if (
            item.review_score is not None
            and item.indicator.rule in TARGET_RULES
            and actuals[node_id] is not None
            and computed.get(node_id) != item.review_score
        ):
            values[node_id]["adjustment"] = {
                "score": item.review_score,
                "reason": item.review_comment or REVIEWED_BY_OFFICE,
            }
            redo = True
    sheet = tree_score(tree, values) if redo else first
    scores = []
    for result in sheet.items:
        node_id = paths.get(tuple(result.path))
        item = mine.get(node_id) if node_id is not None else None
        if item is None:
            continue
        feed = feeds.get(item.indicator_id)
        actual = actuals.get(item.indicator_id)
        rule = item.indicator.rule
        explain = result.explain
        if item.review_score is None and (
            actual is None or item.indicator.rule not in TARGET_RULES
        ):
            explain = NOT_SCORED if actual is not None else f"{NO_VALUE}，{NOT_SCORED}"
            if item.indicator.rule not in TARGET_RULES:
                explain = NOT_SCORED
        elif item.review_score is not None and actual is None and rule in TARGET_RULES:
            reason = item.review_comment or REVIEWED_BY_OFFICE
            explain = f"{NO_VALUE}，由领导小组办公室考核评分{plain(item.review_score)}（{reason}）"
        if feed is not None:
            explain = f"{feed.explanation}；{explain}"
        scores.append(
            ItemScore(
                item,
                item.indicator.full_score or Decimal(0),
                result.score or Decimal(0),
                actuals.get(item.indicator_id),
                item.review_score is not None or feed is not None,
                explain,
                feed,
            )
        )
    return PartResult(part, Part(part).label, weight, sheet, scores)


def _leaf_values(item: Item, actual: Decimal | None, bands: list[Decimal]) -> dict[str, Any]:
    indicator: Indicator = item.indicator
    full = indicator.full_score or Decimal(0)
    explanation = item.review_comment or item.self_explanation
    if indicator.rule in TARGET_RULES:
        if actual is not None:
            return {"actual": actual, "explanation": explanation}
        target = indicator.target_value or Decimal(0)
        if item.review_score is not None:
            reason = item.review_comment or REVIEWED_BY_OFFICE
            return {"actual": target, "adjustment": {"score": item.review_score, "reason": reason}}
        return {
            "actual": target,
            "adjustment": {"score": Decimal(0), "reason": f"{NO_VALUE}，{NOT_SCORED}"},
        }
    if indicator.rule == "qualitative":
        if item.review_score is None:
            return {"level": "not_achieved", "score": Decimal(0)}
        return {
            "level": _level(item.review_score, full, bands),
            "score": item.review_score,
            "explanation": explanation,
        }
    return {}


def _level(score: Decimal, full: Decimal, bands: list[Decimal]) -> str:
    if not full:
        return "achieved"
    ratio = score / full
    if ratio >= bands[0]:
        return "achieved"
    if ratio >= bands[1]:
        return "partly"
    return "not_achieved"


def _paths(nodes: list[Indicator]) -> dict[tuple[str, ...], int]:
    by_id = {n.pk: n for n in nodes}
    out: dict[tuple[str, ...], int] = {}
    for node in nodes:
        names, cur = [node.name], node
        while cur.parent_id:
            cur = by_id[cur.parent_id]
            names.append(cur.name)
        out[tuple(reversed(names))] = node.pk
    return out
