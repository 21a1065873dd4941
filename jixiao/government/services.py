"""Writes of government performance assessment: schemes, raters, items, values, self-checks,
reviews and publication. Each is one transaction with its permission check and audit row."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from jixiao.audit.services import audit_record, snapshot
from jixiao.documents.language import official_text
from jixiao.government import errors, standard
from jixiao.government import permissions as p
from jixiao.government.models import (
    Aggregation,
    Frequency,
    Item,
    ItemEvidence,
    ItemValue,
    Part,
    Rater,
    Scheme,
    SchemeState,
)
from jixiao.government.scoring import TARGET_RULES
from jixiao.indicators import services as indicator_services
from jixiao.indicators.queries import tree_rows
from jixiao.lib import feeds
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import PermissionDeniedError
from jixiao.orgs.models import Organization, User
from jixiao.workflow import services as wf
from jixiao.workflow.models import WorkflowCase, WorkflowState

HUNDRED = Decimal(100)
EVIDENCE_TYPES = (
    ".pdf",
    ".ofd",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".jpg",
    ".jpeg",
    ".png",
    ".txt",
    ".zip",
)
EVIDENCE_MAX_BYTES = 20 << 20
SCHEME_FIELDS = [
    "name",
    "year",
    "organization_id",
    "quantitative_weight",
    "social_weight",
    "bonus_points",
    "bonus_reason",
    "excellent_min",
    "competent_min",
    "state",
]
ITEM_FIELDS = ["office_id", "responsible_id", "standard", "deadline", "frequency", "aggregation"]
FEED_FIELDS = ["feed_source", "feed_reference", "feed_version", "fed_value", "fed_explanation"]
SELF_FIELDS = ["self_check", "self_score", "self_explanation"]
DEFAULT_RATERS = (("分管领导", Decimal(20), False), ("干部职工", Decimal(40), False))
ASSESSMENT_RATER = ("考核组", Decimal(40), True)


@dataclass(frozen=True)
class RaterSpec:
    name: str
    weight: Decimal
    is_assessment: bool = False


# --- Schemes ----------------------------------------------------------------------------------


def _check_weights(quantitative: Decimal, social: Decimal) -> None:
    if quantitative < 0 or social < 0 or quantitative + social != HUNDRED:
        raise errors.GovernmentError(errors.WEIGHTS_SUM.format(total=quantitative + social))


@transaction.atomic
def scheme_create(
    *,
    actor: User | None,
    organization: Organization,
    year: int,
    name: str = "",
    quantitative_weight: Decimal = Decimal(70),
    social_weight: Decimal = Decimal(30),
) -> Scheme:
    """A year's scheme: both standard trees copied (a supervising department's own pair, the
    township's otherwise, see ``standard.codes_for``), one item per scored leaf, default
    raters (分管领导 20 %, 干部职工 40 %, 考核组 40 %)."""
    perms.require(actor, p.SCHEME_MANAGE, organization)
    _check_weights(quantitative_weight, social_weight)
    if Scheme.objects.filter(organization=organization, year=year).exists():
        raise errors.GovernmentError(errors.SCHEME_EXISTS.format(org=organization, year=year))
    standard.templates_install()
    q_code, s_code = standard.codes_for(organization)
    q_template = standard.template(q_code)
    s_template = standard.template(s_code)
    if q_template is None or s_template is None:
        raise errors.GovernmentError(errors.TEMPLATE_MISSING)
    name = name.strip() or f"{organization.name}{year}年度政府绩效考核方案"
    trees = {}
    for part, template in ((Part.QUANTITATIVE, q_template), (Part.SOCIAL, s_template)):
        trees[part] = indicator_services.tree_copy(
            actor=actor,
            template=template,
            organization=organization,
            name=f"{name}·{official_text(Part(part).label)}",
            owner_type=p.SUBJECT_SCHEME,
            authorized=True,
        )
    scheme = Scheme(
        organization=organization,
        year=year,
        name=name,
        quantitative_tree=trees[Part.QUANTITATIVE],
        social_tree=trees[Part.SOCIAL],
        quantitative_weight=quantitative_weight,
        social_weight=social_weight,
    )
    scheme.full_clean()
    scheme.save()
    for tree in trees.values():
        tree.owner_id = str(scheme.pk)
        tree.save(update_fields=["owner_id"])
    _create_items(scheme)
    specs = [RaterSpec(*r) for r in (*DEFAULT_RATERS, ASSESSMENT_RATER)]
    _replace_raters(scheme, specs)
    audit_record(
        actor=actor,
        action="government.scheme.create",
        obj=scheme,
        new=snapshot(scheme, SCHEME_FIELDS),
    )
    return scheme


def _create_items(scheme: Scheme) -> None:
    rows = []
    for part, tree in (
        (Part.QUANTITATIVE, scheme.quantitative_tree),
        (Part.SOCIAL, scheme.social_tree),
    ):
        leaves = [r.indicator for r in tree_rows(tree) if not r.is_group and r.indicator.rule]
        rows += [
            Item(scheme=scheme, indicator=leaf, part=part, position=i)
            for i, leaf in enumerate(leaves)
        ]
    Item.objects.bulk_create(rows)


@transaction.atomic
def scheme_update(*, actor: User | None, scheme: Scheme, **fields: Any) -> Scheme:
    """Change the name, the weights of the two parts, the bonus points and the cadre rule."""
    perms.require(actor, p.SCHEME_MANAGE, scheme.organization)
    allowed = {
        "name",
        "quantitative_weight",
        "social_weight",
        "bonus_points",
        "bonus_reason",
        "excellent_min",
        "competent_min",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    # Checked before the instance changes, so a refusal leaves the caller's object intact.
    after = {**{f: getattr(scheme, f) for f in allowed}, **fields}
    _check_weights(after["quantitative_weight"], after["social_weight"])
    if after["bonus_points"] < 0:
        raise errors.GovernmentError(errors.BONUS_NEGATIVE)
    if not 0 <= after["competent_min"] <= after["excellent_min"] <= HUNDRED:
        raise errors.GovernmentError(errors.THRESHOLDS)
    old = snapshot(scheme, SCHEME_FIELDS)
    for key, value in fields.items():
        setattr(scheme, key, value)
    scheme.full_clean()
    scheme.save(update_fields=list(fields))
    audit_record(
        actor=actor,
        action="government.scheme.update",
        obj=scheme,
        old=old,
        new=snapshot(scheme, SCHEME_FIELDS),
    )
    return scheme


def _replace_raters(scheme: Scheme, specs: Sequence[RaterSpec]) -> None:
    total = sum((s.weight for s in specs), Decimal(0))
    if total != HUNDRED or any(s.weight < 0 for s in specs):
        raise errors.GovernmentError(errors.RATER_WEIGHTS_SUM.format(total=total))
    if sum(1 for s in specs if s.is_assessment) != 1:
        raise errors.GovernmentError(errors.RATER_ONE_ASSESSMENT)
    kept = {r.name: r.score for r in scheme.raters.all()}
    scheme.raters.all().delete()
    Rater.objects.bulk_create(
        Rater(
            scheme=scheme,
            position=i,
            name=s.name.strip(),
            weight=s.weight,
            is_assessment=s.is_assessment,
            score=None if s.is_assessment else kept.get(s.name.strip()),
        )
        for i, s in enumerate(specs)
    )


@transaction.atomic
def scheme_set_raters(*, actor: User | None, scheme: Scheme, raters: Sequence[RaterSpec]) -> None:
    """Replace the rater components; their weights add up to 100, one of them is the
    assessment team scored by the trees. Scores of raters kept by name stay."""
    perms.require(actor, p.SCHEME_MANAGE, scheme.organization)
    old = [{"name": r.name, "weight": r.weight} for r in scheme.raters.all()]
    _replace_raters(scheme, raters)
    audit_record(
        actor=actor,
        action="government.scheme.raters",
        obj=scheme,
        old={"raters": old},
        new={
            "raters": [
                {"name": r.name, "weight": r.weight, "assessment": r.is_assessment} for r in raters
            ]
        },
    )


@transaction.atomic
def rater_score_set(
    *, actor: User | None, rater: Rater, score: Decimal | None, note: str = ""
) -> Rater:
    """The score a rater gave (0–100), entered by the leadership group's office."""
    perms.require(actor, p.SCHEME_MANAGE, rater.scheme.organization)
    if rater.is_assessment:
        raise errors.GovernmentError(errors.RATER_IS_ASSESSMENT)
    if score is not None and not 0 <= score <= HUNDRED:
        raise errors.GovernmentError(errors.RATER_SCORE_RANGE)
    old = snapshot(rater, ["name", "score", "note"])
    rater.score, rater.note = score, note.strip()
    rater.full_clean()
    rater.save(update_fields=["score", "note"])
    audit_record(
        actor=actor,
        action="government.rater.score",
        obj=rater,
        organization_id=rater.scheme.organization_id,
        old=old,
        new=snapshot(rater, ["name", "score", "note"]),
    )
    return rater


@transaction.atomic
def scheme_activate(*, actor: User | None, scheme: Scheme) -> Scheme:
    """Start the scheme: every item must have its office and responsible person."""
    perms.require(actor, p.SCHEME_MANAGE, scheme.organization)
    if scheme.state == SchemeState.ACTIVE:
        raise errors.GovernmentError(errors.SCHEME_ALREADY_ACTIVE)
    missing = scheme.items.select_related("indicator").filter(responsible__isnull=True).first()
    if missing is not None:
        raise errors.GovernmentError(errors.NOT_ASSIGNED.format(item=missing.indicator.name))
    return _set_state(actor, scheme, SchemeState.ACTIVE, "government.scheme.activate")


def _set_state(actor: User | None, scheme: Scheme, state: str, action: str) -> Scheme:
    old = scheme.state
    scheme.state = state
    scheme.save(update_fields=["state"])
    audit_record(actor=actor, action=action, obj=scheme, old={"state": old}, new={"state": state})
    return scheme


@transaction.atomic
def scheme_publish(*, actor: User | None, scheme: Scheme) -> Scheme:
    """The leadership group's office has reviewed the scheme, standards and results and
    publishes them on the public site (GOV-5)."""
    perms.require(actor, p.SCHEME_MANAGE, scheme.organization)
    if scheme.state != SchemeState.ACTIVE:
        raise errors.GovernmentError(errors.PUBLISH_NOT_ACTIVE)
    if scheme.is_published:
        raise errors.GovernmentError(errors.ALREADY_PUBLISHED)
    scheme.published_at = timezone.now()
    scheme.published_by = actor
    scheme.save(update_fields=["published_at", "published_by"])
    audit_record(
        actor=actor,
        action="government.scheme.publish",
        obj=scheme,
        old={"published_at": None},
        new={"published_at": scheme.published_at},
    )
    return scheme


@transaction.atomic
def scheme_unpublish(*, actor: User | None, scheme: Scheme) -> Scheme:
    perms.require(actor, p.SCHEME_MANAGE, scheme.organization)
    if not scheme.is_published:
        raise errors.GovernmentError(errors.NOT_PUBLISHED)
    old = scheme.published_at
    scheme.published_at, scheme.published_by = None, None
    scheme.save(update_fields=["published_at", "published_by"])
    audit_record(
        actor=actor,
        action="government.scheme.unpublish",
        obj=scheme,
        old={"published_at": old},
        new={"published_at": None},
    )
    return scheme


# --- Responsibility decomposition ------------------------------------------------------------


@transaction.atomic
def item_assign(
    *,
    actor: User | None,
    item: Item,
    office: Organization,
    responsible: User,
    standard: str = "",
    deadline: date | None = None,
    frequency: str = Frequency.MONTHLY,
    aggregation: str = Aggregation.SUM,
    target_value: Decimal | None = None,
) -> Item:
    """Assign an item to an office below the scheme's organisation and a person of it; while
    the scheme is being set up the office may also set the item's target for the year."""
    scheme = item.scheme
    perms.require(actor, p.SCHEME_MANAGE, scheme.organization)
    if office.pk == scheme.organization_id or not office.path.startswith(scheme.organization.path):
        raise errors.GovernmentError(errors.OFFICE_OUTSIDE.format(org=scheme.organization))
    home = responsible.organization
    if home is None or not home.path.startswith(office.path):
        raise errors.GovernmentError(errors.RESPONSIBLE_OUTSIDE.format(office=office))
    if not perms.can(responsible, p.ITEM_SUBMIT, office):
        raise errors.GovernmentError(
            errors.RESPONSIBLE_NO_ROLE.format(person=responsible, office=office)
        )
    wf.ensure_editable(case_of(item))
    indicator = item.indicator
    if target_value is not None and target_value != indicator.target_value:
        if scheme.state != SchemeState.DRAFT or indicator.rule not in TARGET_RULES:
            raise errors.GovernmentError(errors.TARGET_LOCKED)
        indicator_services.indicator_update(
            actor=actor, indicator=indicator, authorized=True, target_value=target_value
        )
    old = snapshot(item, ITEM_FIELDS)
    item.office, item.responsible = office, responsible
    item.standard, item.deadline = standard.strip(), deadline
    item.frequency, item.aggregation = frequency, aggregation
    item.full_clean()
    item.save(
        update_fields=["office", "responsible", "standard", "deadline", "frequency", "aggregation"]
    )
    audit_record(
        actor=actor,
        action="government.item.assign",
        obj=item,
        organization_id=office.pk,
        old=old,
        new=snapshot(item, ITEM_FIELDS),
    )
    return item


def case_of(item: Item) -> WorkflowCase | None:
    """The item's review case (None: never submitted)."""
    return WorkflowCase.objects.filter(subject_type=p.SUBJECT_ITEM, subject_id=item.pk).first()


def may_edit(user: Any, item: Item) -> bool:
    """The responsible person, or a head of the item's office (see permissions.py)."""
    if user is None:
        return True
    if item.responsible_id == user.pk:
        return True
    return item.office is not None and perms.can(user, p.ITEM_OFFICE, item.office)


def _require_editor(actor: User | None, item: Item) -> None:
    if item.scheme.state != SchemeState.ACTIVE:
        raise errors.GovernmentError(errors.SCHEME_NOT_ACTIVE)
    if not may_edit(actor, item):
        raise PermissionDeniedError(errors.NOT_RESPONSIBLE)


_PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")


def period_check(item: Item, period: str) -> str:
    period = period.strip().upper()
    match = _PERIOD.match(period)
    monthly = item.frequency == Frequency.MONTHLY
    if (
        match is None
        or int(match.group(1)) != item.scheme.year
        or (monthly and not match.group(2))
        or (not monthly and not match.group(3))
    ):
        raise errors.GovernmentError(errors.PERIOD_FORMAT.format(year=item.scheme.year))
    return period


@transaction.atomic
def item_value_set(
    *,
    actor: User | None,
    item: Item,
    period: str,
    value: Decimal,
    progress_note: str = "",
    problems: str = "",
    measures: str = "",
) -> ItemValue:
    """Enter (or correct) the value of a period, with progress, problems and measures."""
    _require_editor(actor, item)
    wf.ensure_editable(case_of(item))
    period = period_check(item, period)
    row = ItemValue.objects.filter(item=item, period=period).first()
    old = snapshot(row, ["period", "value", "progress_note", "problems", "measures"]) if row else {}
    row = row or ItemValue(item=item, period=period)
    row.value = value
    row.progress_note, row.problems, row.measures = (
        progress_note.strip(),
        problems.strip(),
        measures.strip(),
    )
    row.entered_by = actor
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="government.value.set",
        obj=row,
        object_repr=f"{item.indicator.name} {period}",
        organization_id=item.organization.pk,
        old=old,
        new=snapshot(row, ["period", "value", "progress_note", "problems", "measures"]),
    )
    return row


@transaction.atomic
def item_self_evaluate(
    *,
    actor: User | None,
    item: Item,
    self_check: str,
    self_score: Decimal,
    self_explanation: str,
) -> Item:
    """自查自评: what the check against the standard found, the self-assessed score within
    the item's full score, and why."""
    _require_editor(actor, item)
    wf.ensure_editable(case_of(item))
    full = item.indicator.full_score or Decimal(0)
    if not 0 <= self_score <= full:
        raise errors.GovernmentError(errors.SELF_SCORE_RANGE.format(full=full))
    if not self_check.strip():
        raise errors.GovernmentError(errors.SELF_CHECK_REQUIRED)
    if not self_explanation.strip():
        raise errors.GovernmentError(errors.SELF_EXPLANATION_REQUIRED)
    old = snapshot(item, SELF_FIELDS)
    item.self_check, item.self_score = self_check.strip(), self_score
    item.self_explanation = self_explanation.strip()
    item.save(update_fields=SELF_FIELDS)
    audit_record(
        actor=actor,
        action="government.item.self_evaluate",
        obj=item,
        organization_id=item.organization.pk,
        old=old,
        new=snapshot(item, SELF_FIELDS),
    )
    return item


@transaction.atomic
def evidence_add(*, actor: User | None, item: Item, file: UploadedFile) -> ItemEvidence:
    _require_editor(actor, item)
    wf.ensure_editable(case_of(item))
    name = os.path.basename(file.name or "")[-255:]
    if os.path.splitext(name)[1].lower() not in EVIDENCE_TYPES:
        raise errors.GovernmentError(errors.EVIDENCE_TYPE.format(types="、".join(EVIDENCE_TYPES)))
    if (file.size or 0) > EVIDENCE_MAX_BYTES:
        raise errors.GovernmentError(errors.EVIDENCE_SIZE.format(mb=EVIDENCE_MAX_BYTES >> 20))
    evidence = ItemEvidence(item=item, file=file, name=name, uploaded_by=actor)
    evidence.save()
    audit_record(
        actor=actor,
        action="government.evidence.add",
        obj=evidence,
        organization_id=item.organization.pk,
        new={"item_id": item.pk, "name": evidence.name},
    )
    return evidence


@transaction.atomic
def evidence_remove(*, actor: User | None, evidence: ItemEvidence) -> None:
    item = evidence.item
    _require_editor(actor, item)
    wf.ensure_editable(case_of(item))
    audit_record(
        actor=actor,
        action="government.evidence.remove",
        obj=evidence,
        organization_id=item.organization.pk,
        old={"item_id": item.pk, "name": evidence.name},
    )
    evidence.file.delete(save=False)
    evidence.delete()


def item_snapshot(item: Item) -> dict[str, Any]:
    """The self-evaluation as submitted (kept by the workflow as a version)."""
    return {
        "item": item.indicator.name,
        "standard": item.standard,
        "self_check": item.self_check,
        "self_score": item.self_score,
        "self_explanation": item.self_explanation,
        "values": [
            {"key": v.period, "period": v.period, "value": v.value} for v in item.values.all()
        ],
        "evidence": [e.name for e in item.evidence.all()],
    }


@transaction.atomic
def item_submit(*, actor: User | None, item: Item, comment: str = "") -> WorkflowCase:
    """Submit the self-evaluation to the leadership group's office."""
    _require_editor(actor, item)
    if item.self_score is None:
        raise errors.GovernmentError(errors.SELF_SCORE_REQUIRED)
    if not item.evidence.exists():
        raise errors.GovernmentError(errors.EVIDENCE_REQUIRED)
    case = case_of(item) or wf.case_open(
        actor=actor,
        subject_type=p.SUBJECT_ITEM,
        subject_id=item.pk,
        organization=item.organization,
        definition_key=p.ITEM_WORKFLOW,
        title=f"{item.scheme.year}年 {item.indicator.name}",
    )
    return wf.case_submit(actor=actor, case=case, snapshot=item_snapshot(item), comment=comment)


@transaction.atomic
def item_withdraw(*, actor: User | None, item: Item) -> WorkflowCase:
    _require_editor(actor, item)
    case = case_of(item)
    if case is None:
        raise errors.GovernmentError(errors.NOT_SUBMITTED)
    return wf.case_withdraw(actor=actor, case=case)


def _submitted_case(item: Item) -> WorkflowCase:
    case = case_of(item)
    if case is None or case.state != WorkflowState.SUBMITTED:
        raise errors.GovernmentError(errors.NOT_SUBMITTED)
    return case


@transaction.atomic
def item_review(*, actor: User | None, item: Item, score: Decimal, comment: str = "") -> Item:
    """The leadership group's office scores the item (approves the self-evaluation)."""
    case = _submitted_case(item)
    full = item.indicator.full_score or Decimal(0)
    if not 0 <= score <= full:
        raise errors.GovernmentError(errors.REVIEW_SCORE_RANGE.format(full=full))
    if score != item.self_score and not comment.strip():
        raise errors.GovernmentError(errors.REVIEW_COMMENT_REQUIRED)
    wf.case_approve(actor=actor, case=case, comment=comment.strip(), data={"score": score})
    old = snapshot(item, ["review_score", "review_comment"])
    item.review_score, item.review_comment = score, comment.strip()
    item.reviewed_at, item.reviewed_by = timezone.now(), actor
    item.save(update_fields=["review_score", "review_comment", "reviewed_at", "reviewed_by"])
    audit_record(
        actor=actor,
        action="government.item.review",
        obj=item,
        organization_id=item.organization.pk,
        old=old,
        new=snapshot(item, ["review_score", "review_comment"]),
    )
    return item


@transaction.atomic
def item_return(*, actor: User | None, item: Item, comment: str) -> WorkflowCase:
    """Send the self-evaluation back to the responsible person with the office's comment."""
    return wf.case_return(actor=actor, case=_submitted_case(item), comment=comment)


# --- Items fed from another domain's stored score (jixiao.lib.feeds) ---------------------------


def feed_source(key: str) -> feeds.Source:
    source = feeds.get(key)
    if source is None:
        raise errors.GovernmentError(errors.FEED_UNKNOWN)
    return source


def feed_item(scheme: Scheme, source: feeds.Source) -> Item | None:
    """The item a source feeds: the one linked to it, else the one of the standard name."""
    items = scheme.items.select_related("indicator")
    return (
        items.filter(feed_source=source.key).first()
        or items.filter(indicator__name=source.item_name).order_by("part", "position").first()
    )


@transaction.atomic
def item_feed_pull(*, actor: User | None, item: Item, source_key: str) -> Item:
    """取数: the latest value the source stores for the scheme's organisation and year (for
    the budget appraisal: the department's total of the bureau's latest finalised version)
    becomes the item's actual value, scored by the item's rule, with the source's explanation.
    The item stays on what it took until the office takes again; a published result is not
    changed underneath its readers."""
    scheme = item.scheme
    perms.require(actor, p.SCHEME_MANAGE, scheme.organization)
    source = feed_source(source_key)
    if scheme.is_published:
        raise errors.GovernmentError(errors.FEED_PUBLISHED)
    if item.indicator.rule not in TARGET_RULES:
        raise errors.GovernmentError(errors.FEED_RULE.format(item=item.indicator.name))
    other = (
        scheme.items.filter(feed_source=source.key)
        .exclude(pk=item.pk)
        .select_related("indicator")
        .first()
    )
    if other is not None:
        raise errors.GovernmentError(
            errors.FEED_TAKEN.format(item=other.indicator.name, label=source.label)
        )
    fed = source.for_assessment(scheme.organization, scheme.year)
    if fed is None:
        year = source.source_year(scheme.year)
        raise errors.GovernmentError(
            errors.FEED_NOTHING.format(org=scheme.organization, year=year, label=source.label)
        )
    old = snapshot(item, FEED_FIELDS)
    item.feed_source, item.feed_reference, item.feed_version = (
        source.key,
        fed.reference,
        fed.version,
    )
    item.fed_value, item.fed_explanation = fed.value, fed.explanation
    item.fed_at, item.fed_by = timezone.now(), actor
    item.full_clean()
    item.save(update_fields=[*FEED_FIELDS, "fed_at", "fed_by"])
    audit_record(
        actor=actor,
        action="government.item.feed",
        obj=item,
        organization_id=scheme.organization_id,
        old=old,
        new=snapshot(item, FEED_FIELDS),
    )
    return item


def items_assign_many(
    *, actor: User | None, assignments: Iterable[tuple[Item, Organization, User, str, date | None]]
) -> None:
    """Convenience for set-up scripts: assign several items in one transaction."""
    with transaction.atomic():
        for item, office, person, text, deadline in assignments:
            item_assign(
                actor=actor,
                item=item,
                office=office,
                responsible=person,
                standard=text,
                deadline=deadline,
            )
