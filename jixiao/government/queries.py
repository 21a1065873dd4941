"""Reads shared by pages, the API and the reports: schemes and items a person may see, the
progress of items, the cadre summary (GOV-4) and what the public may read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from jixiao.government import permissions as p
from jixiao.government.models import Item, Scheme
from jixiao.government.scoring import CENT, HUNDRED, ItemScore, SchemeResult, actual_to_date
from jixiao.government.services import case_of  # noqa: F401 (the pages read it from here)
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import OrgKind
from jixiao.workflow.models import WorkflowCase
from jixiao.workflow.queries import cases_for_subjects


def schemes_for_user(user: Any) -> QuerySet[Scheme]:
    return perms.filter_for_user(
        user, Scheme.objects.select_related("organization"), p.SCHEME_VIEW
    ).order_by("-year", "organization__path")


def get_scheme_for_user(user: Any, pk: Any, *, manage: bool = False) -> Scheme:
    """404 for a scheme outside the user's scope; ``manage``: 404 too without the right to
    manage it (the page does not exist for them)."""
    action = p.SCHEME_MANAGE if manage else p.SCHEME_VIEW
    return perms.get_for_user(
        user,
        Scheme.objects.select_related("organization", "quantitative_tree", "social_tree"),
        pk,
        action,
    )


def item_visibility_q(user: Any) -> Q:
    """Items the user may see: their own, their office's (office heads), and all items of the
    schemes they may view (the leadership group's office, leaders)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    q = Q(responsible=user)
    q |= perms.scope_q(user, p.ITEM_OFFICE, "office")
    q |= perms.scope_q(user, p.SCHEME_VIEW, "scheme__organization")
    return q


def items_for_user(user: Any, scheme: Scheme | None = None) -> QuerySet[Item]:
    qs = Item.objects.filter(item_visibility_q(user)).select_related(
        "scheme", "scheme__organization", "indicator", "office", "responsible"
    )
    if scheme is not None:
        qs = qs.filter(scheme=scheme)
    return qs.order_by("scheme_id", "part", "position", "id")


def my_items(user: Any) -> QuerySet[Item]:
    """The items the user answers for: assigned to them, or of an office they head."""
    if not user.is_authenticated:
        return Item.objects.none()
    q = Q(responsible=user) | perms.scope_q(user, p.ITEM_OFFICE, "office")
    return (
        Item.objects.filter(q)
        .select_related("scheme", "indicator", "office", "responsible")
        .order_by("-scheme__year", "scheme_id", "part", "position")
    )


MENU_FLAG = "_government_shows_my_items"


def shows_my_items(user: Any) -> bool:
    """Whether 我的责任事项 belongs in the user's menu: they answer for an item, or they sit in
    a township or department that has a scheme (in it, or in one of a township's offices; a
    department's budget units only through items assigned to them). One query, remembered on
    the user object, which lives as long as the request."""
    cached = getattr(user, MENU_FLAG, None)
    if cached is not None:
        return bool(cached)
    organization = getattr(user, "organization", None) if user.is_authenticated else None
    paths: list[str] = []
    if organization is not None:
        paths = [organization.path]
        if organization.kind in (OrgKind.OFFICE, OrgKind.TEAM):
            segments = organization.path.split(".")[:-1]
            paths = [".".join(segments[:n]) + "." for n in range(1, len(segments) + 1)]
    shown = (
        user.is_authenticated
        and Scheme.objects.filter(
            Q(items__responsible=user) | Q(organization__path__in=paths)
        ).exists()
    )
    setattr(user, MENU_FLAG, shown)
    return shown


def get_item_for_user(user: Any, pk: Any) -> Item:
    """The only way to obtain an item: 404 when missing or not visible to the user."""
    try:
        return items_for_user(user).get(pk=pk)
    except (Item.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def cases_by_item(items: list[Item]) -> dict[int, WorkflowCase]:
    return cases_for_subjects(p.SUBJECT_ITEM, [i.pk for i in items])


# --- Progress (GOV-3) ---------------------------------------------------------------------------


@dataclass
class Progress:
    item: Item
    target: Decimal | None
    actual: Decimal | None
    completion: Decimal | None  # actual ÷ target, %
    time_progress: Decimal  # months elapsed ÷ 12, %
    latest: Any = None  # the latest ItemValue

    @property
    def behind(self) -> bool:
        """A ≥ target lagging behind time (the ≤ and qualitative items are not judged)."""
        return (
            self.item.indicator.direction == "gte"
            and self.completion is not None
            and self.completion < self.time_progress
        )


def time_progress(year: int, today: date) -> Decimal:
    if today.year < year:
        return Decimal(0)
    months = 12 if today.year > year else today.month
    return (Decimal(months) * HUNDRED / 12).quantize(CENT, rounding=ROUND_HALF_UP)


def progress_rows(items: list[Item], today: date) -> list[Progress]:
    """Progress of each item against the year's target (values prefetched in one query)."""
    rows = []
    for item in items:
        values = sorted(item.values.all(), key=lambda v: v.period)
        target = item.indicator.target_value
        actual = actual_to_date(item, values)
        completion = None
        if target and actual is not None:
            completion = (actual * HUNDRED / target).quantize(CENT, rounding=ROUND_HALF_UP)
        rows.append(
            Progress(
                item,
                target,
                actual,
                completion,
                time_progress(item.scheme.year, today),
                values[-1] if values else None,
            )
        )
    return rows


# --- Cadre appraisal link (GOV-4) ---------------------------------------------------------------


@dataclass
class CadreSummary:
    person: Any
    offices: list[str]
    items: list[ItemScore]
    recommendation: str
    reasons: list[str] = field(default_factory=list)

    @property
    def average_rate(self) -> Decimal:
        if not self.items:
            return Decimal(0)
        total = sum((i.rate for i in self.items), Decimal(0))
        return (total / len(self.items)).quantize(CENT, rounding=ROUND_HALF_UP)


EXCELLENT = "优秀"
COMPETENT = "称职"
BASIC = "基本称职"
PENDING = "待定"


def cadre_summaries(result: SchemeResult) -> list[CadreSummary]:
    """Per responsible person: their items' scores and the recommended appraisal grade by the
    scheme's rule — every item's score rate ≥ the excellent line → 优秀 (recommended for a
    reward), every one ≥ the competent line → 称职, otherwise 基本称职; 待定 while an item is
    not scored yet. The reasons name the items that decided it."""
    scheme = result.scheme
    by_person: dict[int, list[ItemScore]] = {}
    people: dict[int, Any] = {}
    for score in result.items:
        person = score.item.responsible
        if person is None:
            continue
        people[person.pk] = person
        by_person.setdefault(person.pk, []).append(score)
    out = []
    for pk, scores in by_person.items():
        rec, reasons = recommend(scores, scheme.excellent_min, scheme.competent_min)
        offices = sorted({s.item.office.name for s in scores if s.item.office})
        out.append(CadreSummary(people[pk], offices, scores, rec, reasons))
    return sorted(out, key=lambda c: (c.offices, c.person.display_name))


def recommend(
    scores: list[ItemScore], excellent: Decimal, competent: Decimal
) -> tuple[str, list[str]]:
    pending = [s.item.indicator.name for s in scores if not s.reviewed]
    if pending:
        return PENDING, [f"尚未考核：{'、'.join(pending)}"]
    low = [s for s in scores if s.rate < competent]
    if low:
        return BASIC, [
            f"“{s.item.indicator.name}”得分率{s.rate}%，低于称职线{_pct(competent)}%" for s in low
        ]
    below = [s for s in scores if s.rate < excellent]
    if below:
        return COMPETENT, [
            f"“{s.item.indicator.name}”得分率{s.rate}%，低于优秀线{_pct(excellent)}%" for s in below
        ]
    return EXCELLENT, [
        f"负责的{len(scores)}项事项得分率均不低于{_pct(excellent)}%，建议年度考核评为优秀并予以奖励"
    ]


def _pct(value: Decimal) -> str:
    return format(value.normalize(), "f")


# --- The public site (GOV-5) --------------------------------------------------------------------


def published_schemes() -> QuerySet[Scheme]:
    return (
        Scheme.objects.filter(published_at__isnull=False)
        .select_related("organization")
        .order_by("-year", "organization__path")
    )


def get_published_scheme(pk: Any) -> Scheme:
    try:
        return published_schemes().select_related("quantitative_tree", "social_tree").get(pk=pk)
    except (Scheme.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
