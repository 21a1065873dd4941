"""Writes of surveys: build while draft, publish (public link and invitation codes), close,
and the anonymous answer. Each service is one transaction with its permission check and its
audit row — except the answer, see :func:`survey_answer_submit`."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from jixiao.audit.services import audit_record, audited_update, snapshot
from jixiao.orgs import permissions as perms
from jixiao.surveys import errors, guard
from jixiao.surveys.models import (
    Answer,
    InvitationToken,
    Option,
    Question,
    QuestionKind,
    Response,
    SatisfactionMethod,
    Survey,
    SurveyState,
)
from jixiao.surveys.permissions import SURVEY_MANAGE

if TYPE_CHECKING:
    from jixiao.orgs.models import Organization, User

MAX_TOKENS = 2000
TEXT_LIMIT = 2000
# Invitation codes are typed by hand from paper: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
TOKEN_ALPHABET = "ACDEFGHJKMNPQRTUVWXY345679"  # noqa: S105 (an alphabet)
TOKEN_LENGTH = 8

SURVEY_FIELDS = [
    "title",
    "description",
    "subject_type",
    "subject_id",
    "subject_label",
    "ip_hourly_limit",
]
QUESTION_FIELDS = ["kind", "text", "help_text", "required", "satisfaction", "position"]

# The default five-level scale of a rating question: label, points, counts as satisfied.
RATING_SCALE: tuple[tuple[str, Decimal, bool], ...] = (
    ("非常满意", Decimal(100), True),
    ("满意", Decimal(80), True),
    ("一般", Decimal(60), False),
    ("不满意", Decimal(40), False),
    ("非常不满意", Decimal(0), False),
)


@dataclass(frozen=True)
class OptionSpec:
    label: str
    points: Decimal | None = None
    satisfied: bool = False


def rating_scale() -> list[OptionSpec]:
    return [OptionSpec(label, points, ok) for label, points, ok in RATING_SCALE]


# --- The survey ------------------------------------------------------------------------------


def _check_subject(survey: Survey) -> None:
    if bool(survey.subject_type) != bool(survey.subject_id):
        raise errors.SurveyError(errors.SUBJECT_INCOMPLETE)


@transaction.atomic
def survey_create(
    *,
    actor: User | None,
    organization: Organization,
    title: str,
    description: str = "",
    subject_type: str = "",
    subject_id: str = "",
    subject_label: str = "",
    ip_hourly_limit: int | None = None,
) -> Survey:
    """A new questionnaire (草稿) of ``organization``, optionally about a domain's subject
    (``subject_type="budget.project"``, ``subject_id=str(project.pk)``)."""
    perms.require(actor, SURVEY_MANAGE, organization)
    if not title.strip():
        raise errors.SurveyError(errors.TITLE_REQUIRED)
    survey = Survey(
        organization=organization,
        title=title.strip(),
        description=description,
        subject_type=subject_type,
        subject_id=str(subject_id),
        subject_label=subject_label,
        created_by=actor,
    )
    if ip_hourly_limit is not None:
        survey.ip_hourly_limit = ip_hourly_limit
    _check_subject(survey)
    survey.full_clean()
    survey.save()
    audit_record(
        actor=actor, action="surveys.survey.create", obj=survey, new=snapshot(survey, SURVEY_FIELDS)
    )
    return survey


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


def _require_draft(survey: Survey) -> None:
    if survey.state != SurveyState.DRAFT:
        raise errors.SurveyError(errors.NOT_DRAFT)


@transaction.atomic
def survey_update(*, actor: User | None, survey: Survey, **values: Any) -> Survey:
    """Title, description, subject and the flood limit, while the survey is a draft (the limit
    also while it is open: a township hall on one address may need more)."""
    perms.require(actor, SURVEY_MANAGE, survey.organization)
    current = _locked(survey)
    if set(values) - {"ip_hourly_limit"}:
        _require_draft(current)
    elif current.state == SurveyState.CLOSED:
        raise errors.SurveyError(errors.ALREADY_CLOSED)
    if "title" in values:
        values["title"] = str(values["title"]).strip()
        if not values["title"]:
            raise errors.SurveyError(errors.TITLE_REQUIRED)
    if "subject_id" in values:
        values["subject_id"] = str(values["subject_id"])
    subject_type = values.get("subject_type", current.subject_type)
    if bool(subject_type) != bool(values.get("subject_id", current.subject_id)):
        raise errors.SurveyError(errors.SUBJECT_INCOMPLETE)
    audited_update(
        current,
        values,
        actor=actor,
        action="surveys.survey.update",
        allowed=set(SURVEY_FIELDS),
        fields=SURVEY_FIELDS,
    )
    return current


# --- Questions -------------------------------------------------------------------------------


def _clean_options(kind: str, satisfaction: str, options: Sequence[OptionSpec]) -> list[OptionSpec]:
    if kind == QuestionKind.TEXT:
        if options:
            raise errors.SurveyError(errors.TEXT_HAS_OPTIONS)
        if satisfaction:
            raise errors.SurveyError(errors.SATISFACTION_KIND)
        return []
    cleaned = [OptionSpec(o.label.strip(), o.points, o.satisfied) for o in options]
    if any(not o.label for o in cleaned):
        raise errors.SurveyError(errors.OPTION_LABEL_REQUIRED)
    if len(cleaned) < 2:
        raise errors.SurveyError(errors.OPTIONS_REQUIRED)
    labels = [o.label for o in cleaned]
    for label in labels:
        if labels.count(label) > 1:
            raise errors.SurveyError(errors.OPTION_LABEL_TWICE.format(label=label))
    if satisfaction and kind == QuestionKind.MULTIPLE:
        raise errors.SurveyError(errors.SATISFACTION_KIND)
    if satisfaction == SatisfactionMethod.SHARE and not any(o.satisfied for o in cleaned):
        raise errors.SurveyError(errors.SATISFIED_NONE)
    if satisfaction == SatisfactionMethod.POINTS:
        if any(o.points is None for o in cleaned):
            raise errors.SurveyError(errors.POINTS_MISSING)
        if max(o.points for o in cleaned if o.points is not None) <= 0:
            raise errors.SurveyError(errors.POINTS_ALL_ZERO)
    return cleaned


def _write_options(question: Question, options: list[OptionSpec]) -> None:
    question.options.all().delete()
    rows = [
        Option(question=question, position=i, label=o.label, points=o.points, satisfied=o.satisfied)
        for i, o in enumerate(options)
    ]
    for row in rows:
        row.full_clean(exclude=["question"])
    Option.objects.bulk_create(rows)


def _option_snapshot(options: list[OptionSpec]) -> list[dict[str, Any]]:
    return [{"label": o.label, "points": o.points, "satisfied": o.satisfied} for o in options]


@transaction.atomic
def question_add(
    *,
    actor: User | None,
    survey: Survey,
    kind: str,
    text: str,
    options: Sequence[OptionSpec] | None = None,
    required: bool = True,
    help_text: str = "",
    satisfaction: str = "",
) -> Question:
    """A question at the end of a draft survey. A rating question without ``options`` gets the
    five-level scale 非常满意 (100) … 非常不满意 (0), the first two counting as satisfied."""
    perms.require(actor, SURVEY_MANAGE, survey.organization)
    current = _locked(survey)
    _require_draft(current)
    if not text.strip():
        raise errors.SurveyError(errors.QUESTION_TEXT_REQUIRED)
    if kind == QuestionKind.RATING and not options:
        options = rating_scale()
    specs = _clean_options(kind, satisfaction, list(options or []))
    last = current.questions.aggregate(m=Max("position"))["m"]
    question = Question(
        survey=current,
        position=0 if last is None else last + 1,
        kind=kind,
        text=text.strip(),
        help_text=help_text,
        required=required,
        satisfaction=satisfaction,
    )
    question.full_clean()
    question.save()
    _write_options(question, specs)
    audit_record(
        actor=actor,
        action="surveys.question.add",
        obj=question,
        organization_id=current.organization_id,
        new={**snapshot(question, QUESTION_FIELDS), "options": _option_snapshot(specs)},
    )
    return question


@transaction.atomic
def question_update(
    *,
    actor: User | None,
    question: Question,
    kind: str,
    text: str,
    options: Sequence[OptionSpec] | None = None,
    required: bool = True,
    help_text: str = "",
    satisfaction: str = "",
) -> Question:
    """Replace a question of a draft survey (its options too)."""
    survey = question.survey
    perms.require(actor, SURVEY_MANAGE, survey.organization)
    _require_draft(_locked(survey))
    if not text.strip():
        raise errors.SurveyError(errors.QUESTION_TEXT_REQUIRED)
    if kind == QuestionKind.RATING and not options:
        options = rating_scale()
    specs = _clean_options(kind, satisfaction, list(options or []))
    old_options = [
        OptionSpec(o.label, o.points, o.satisfied) for o in question.options.order_by("position")
    ]
    old = {**snapshot(question, QUESTION_FIELDS), "options": _option_snapshot(old_options)}
    question.kind, question.text, question.help_text = kind, text.strip(), help_text
    question.required, question.satisfaction = required, satisfaction
    question.full_clean()
    question.save(update_fields=["kind", "text", "help_text", "required", "satisfaction"])
    _write_options(question, specs)
    audit_record(
        actor=actor,
        action="surveys.question.update",
        obj=question,
        organization_id=survey.organization_id,
        old=old,
        new={**snapshot(question, QUESTION_FIELDS), "options": _option_snapshot(specs)},
    )
    return question


@transaction.atomic
def question_move(*, actor: User | None, question: Question, offset: int) -> Question:
    """Move a question ``offset`` places up (negative) or down, renumbering the survey."""
    survey = question.survey
    perms.require(actor, SURVEY_MANAGE, survey.organization)
    _require_draft(_locked(survey))
    ids = list(survey.questions.order_by("position", "pk").values_list("pk", flat=True))
    index = ids.index(question.pk)
    target = index + offset
    if offset == 0 or not 0 <= target < len(ids):
        raise errors.SurveyError(errors.MOVE_OUT)
    ids.insert(target, ids.pop(index))
    rows = [Question(pk=pk, position=i) for i, pk in enumerate(ids)]
    Question.objects.bulk_update(rows, ["position"])
    audit_record(
        actor=actor,
        action="surveys.question.move",
        obj=question,
        organization_id=survey.organization_id,
        old={"position": index},
        new={"position": target},
    )
    question.position = target
    return question


@transaction.atomic
def question_delete(*, actor: User | None, question: Question) -> None:
    survey = question.survey
    perms.require(actor, SURVEY_MANAGE, survey.organization)
    _require_draft(_locked(survey))
    audit_record(
        actor=actor,
        action="surveys.question.delete",
        obj=question,
        organization_id=survey.organization_id,
        old=snapshot(question, QUESTION_FIELDS),
    )
    position = question.position
    question.delete()
    survey.questions.filter(position__gt=position).update(position=F("position") - 1)


# --- Publishing ------------------------------------------------------------------------------


def _new_codes(survey: Survey, count: int) -> list[str]:
    taken = set(survey.tokens.values_list("code", flat=True))
    codes: list[str] = []
    while len(codes) < count:
        code = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def _add_tokens(survey: Survey, count: int) -> list[InvitationToken]:
    if not 0 <= count <= MAX_TOKENS:
        raise errors.SurveyError(errors.TOKENS_RANGE.format(maximum=MAX_TOKENS))
    rows = [InvitationToken(survey=survey, code=code) for code in _new_codes(survey, count)]
    return InvitationToken.objects.bulk_create(rows)


@transaction.atomic
def survey_publish(
    *, actor: User | None, survey: Survey, tokens: int = 0, token_required: bool = False
) -> Survey:
    """Open the survey for answers: a public link with an unguessable slug and, optionally,
    ``tokens`` one-time invitation codes. ``token_required``: the link alone is not enough,
    every answer needs an unused code."""
    perms.require(actor, SURVEY_MANAGE, survey.organization)
    current = _locked(survey)
    if current.state != SurveyState.DRAFT:
        raise errors.SurveyError(
            errors.ALREADY_OPEN if current.state == SurveyState.OPEN else errors.ALREADY_CLOSED
        )
    if not current.questions.exists():
        raise errors.SurveyError(errors.NO_QUESTIONS)
    if token_required and tokens < 1:
        raise errors.SurveyError(errors.TOKENS_NEED_COUNT)
    _add_tokens(current, tokens)
    current.slug = secrets.token_urlsafe(18)
    current.state = SurveyState.OPEN
    current.token_required = token_required
    current.published_at = timezone.now()
    current.save(update_fields=["slug", "state", "token_required", "published_at"])
    audit_record(
        actor=actor,
        action="surveys.survey.publish",
        obj=current,
        old={"state": SurveyState.DRAFT},
        new={"state": current.state, "tokens": tokens, "token_required": token_required},
    )
    return current


@transaction.atomic
def survey_tokens_add(*, actor: User | None, survey: Survey, count: int) -> list[InvitationToken]:
    """More invitation codes for an open survey (another batch of letters)."""
    perms.require(actor, SURVEY_MANAGE, survey.organization)
    current = _locked(survey)
    if current.state != SurveyState.OPEN:
        raise errors.SurveyError(errors.NOT_OPEN)
    if count < 1:
        raise errors.SurveyError(errors.TOKENS_RANGE.format(maximum=MAX_TOKENS))
    created = _add_tokens(current, count)
    audit_record(actor=actor, action="surveys.survey.tokens", obj=current, new={"tokens": count})
    return created


@transaction.atomic
def survey_close(*, actor: User | None, survey: Survey) -> Survey:
    """Stop collecting. The figures stay; the public link answers "已结束收集"."""
    perms.require(actor, SURVEY_MANAGE, survey.organization)
    current = _locked(survey)
    if current.state != SurveyState.OPEN:
        raise errors.SurveyError(
            errors.ALREADY_CLOSED if current.state == SurveyState.CLOSED else errors.NOT_OPEN
        )
    current.state = SurveyState.CLOSED
    current.closed_at = timezone.now()
    current.save(update_fields=["state", "closed_at"])
    audit_record(
        actor=actor,
        action="surveys.survey.close",
        obj=current,
        old={"state": SurveyState.OPEN},
        new={"state": current.state, "answers": current.responses.count()},
    )
    return current


# --- Answering -------------------------------------------------------------------------------


def _clean_answer(question: Question, values: Sequence[str], options: dict[int, Option]) -> Any:
    """The validated answer of one question: a list of options, a text, or None."""
    if isinstance(values, str):  # one text, not a sequence of characters
        values = [values]
    picked = [str(v).strip() for v in values if str(v).strip()]
    if not picked:
        if question.required:
            raise ValueError(errors.ANSWER_REQUIRED)
        return None
    if question.kind == QuestionKind.TEXT:
        text = "\n".join(picked)
        if len(text) > TEXT_LIMIT:
            raise ValueError(errors.ANSWER_TOO_LONG.format(limit=TEXT_LIMIT))
        return text
    if question.kind != QuestionKind.MULTIPLE and len(set(picked)) > 1:
        raise ValueError(errors.ANSWER_ONE_OPTION)
    chosen: list[Option] = []
    for value in dict.fromkeys(picked):
        option = options.get(int(value)) if value.isdigit() else None
        if option is None or option.question_id != question.pk:
            raise ValueError(errors.ANSWER_BAD_OPTION)
        chosen.append(option)
    return chosen


def validate_answers(survey: Survey, answers: Mapping[int, Sequence[str]]) -> dict[int, Any]:
    """Every question's cleaned answer, or :class:`AnswerRefused` with a message per question."""
    questions = list(survey.questions.order_by("position", "pk"))
    options = {o.pk: o for o in Option.objects.filter(question__survey=survey)}
    cleaned: dict[int, Any] = {}
    problems: dict[int, str] = {}
    for question in questions:
        try:
            cleaned[question.pk] = _clean_answer(question, answers.get(question.pk, ()), options)
        except ValueError as exc:
            problems[question.pk] = str(exc)
    if problems:
        raise errors.AnswerRefused(errors.ANSWER_INVALID, problems)
    return cleaned


def _use_token(survey: Survey, code: str) -> None:
    code = code.strip().upper().replace(" ", "").replace("-", "")
    token = InvitationToken.objects.filter(survey=survey, code=code).first()
    if token is None:
        raise errors.AnswerRefused(errors.TOKEN_UNKNOWN)
    # One conditional UPDATE: of two simultaneous answers with one code, only one wins.
    used = InvitationToken.objects.filter(pk=token.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not used:
        raise errors.AnswerRefused(errors.TOKEN_USED)


@transaction.atomic
def survey_answer_submit(
    *,
    survey: Survey,
    answers: Mapping[int, Sequence[str]],
    token: str = "",
    client_address: str | None = None,
) -> Response:
    """Store one anonymous answer sheet. ``answers`` maps a question id to the submitted values
    (option ids as text, or the text of a free-text question), as a form posts them.

    Refused with :class:`~jixiao.surveys.errors.AnswerRefused` when the survey is not open, a
    required question is empty or an option is not the question's, the invitation code is
    unknown or used, or (without a code) ``client_address`` has reached the survey's hourly
    limit. Nobody signs in, so there is no permission check and — deliberately — no audit row:
    the trail records the client address and time, which would tie an answer to a person's
    network. Publishing and closing (with the count of answers) are in the trail.
    """
    current = Survey.objects.get(pk=survey.pk)
    if current.state != SurveyState.OPEN:
        raise errors.AnswerRefused(
            errors.SURVEY_CLOSED
            if current.state == SurveyState.CLOSED
            else errors.SURVEY_NOT_PUBLISHED
        )
    cleaned = validate_answers(current, answers)
    if token.strip():
        _use_token(current, token)
    elif current.token_required:
        raise errors.AnswerRefused(errors.TOKEN_REQUIRED)
    elif guard.over_limit(current, client_address):
        raise errors.AnswerRefused(errors.TOO_MANY)
    response = Response.objects.create(survey=current, by_token=bool(token.strip()))
    rows: list[Answer] = []
    for question_id, value in cleaned.items():
        if isinstance(value, list):
            rows += [Answer(response=response, question_id=question_id, option=o) for o in value]
        elif value is not None:
            rows.append(Answer(response=response, question_id=question_id, text=value))
    Answer.objects.bulk_create(rows)
    if not token.strip():
        # Counted now rather than on commit: should the commit fail, one extra count is
        # harmless, and the count is visible to a simultaneous answer sooner.
        guard.count(current, client_address)
    return response
