"""Reads of surveys, shared by pages, the API and the domains.

Domains feed their scores from here — budget's satisfaction indicator (BUD-9), government's
social part (GOV-5) — without the core knowing them::

    from jixiao.surveys.queries import satisfaction, surveys_for_subject

    for survey in surveys_for_subject("budget.project", str(project.pk)):
        figures = satisfaction(survey)      # figures.rate: Decimal 0–100 or None
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from jixiao.orgs import permissions as perms
from jixiao.surveys.models import (
    Answer,
    Option,
    Question,
    QuestionKind,
    Response,
    SatisfactionMethod,
    Survey,
    SurveyState,
)
from jixiao.surveys.permissions import SURVEY_MANAGE, SURVEY_VIEW

CENT = Decimal("0.01")


def get_survey_for_user(user: Any, pk: Any, *, write: bool = False) -> Survey:
    """The only way pages and the API fetch a survey: 404 outside the user's scope (for
    ``write``, outside the scope where they may manage surveys)."""
    return perms.get_for_user(
        user,
        Survey.objects.select_related("organization"),
        pk,
        SURVEY_MANAGE if write else SURVEY_VIEW,
    )


def surveys_for_user(user: Any, *, state: str = "", q: str = "") -> QuerySet[Survey]:
    """The surveys in the user's scope, with their counts of questions and answers."""
    rows = perms.filter_for_user(user, Survey.objects.all(), SURVEY_VIEW)
    if state:
        rows = rows.filter(state=state)
    if q:
        rows = rows.filter(
            Q(title__icontains=q)
            | Q(subject_label__icontains=q)
            | Q(organization__name__icontains=q)
        )
    # Counted in subqueries: two joined Counts would multiply questions by answers.
    return rows.select_related("organization").annotate(
        question_count=_count(Question.objects.filter(survey=OuterRef("pk"))),
        answer_count=_count(Response.objects.filter(survey=OuterRef("pk"))),
    )


def _count(rows: QuerySet) -> Coalesce:
    counted = rows.order_by().values("survey").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def surveys_for_subject(subject_type: str, subject_id: str | int) -> QuerySet[Survey]:
    """The published surveys (open or closed) about one subject of a domain, newest first.
    Not scoped to a user: the domain has fetched its subject through its own access helper."""
    return Survey.objects.filter(
        subject_type=subject_type,
        subject_id=str(subject_id),
        state__in=[SurveyState.OPEN, SurveyState.CLOSED],
    ).select_related("organization")


def get_public_survey(slug: str) -> Survey:
    """A published survey by its public link: 404 for an unknown slug or a draft."""
    survey = (
        Survey.objects.filter(slug=slug, state__in=[SurveyState.OPEN, SurveyState.CLOSED])
        .select_related("organization")
        .first()
    )
    if survey is None:
        raise Http404
    return survey


def questions_with_options(survey: Survey) -> list[Question]:
    return list(survey.questions.order_by("position", "pk").prefetch_related("options"))


# --- Figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionFigure:
    option_id: int
    label: str
    count: int
    share: Decimal | None  # per cent of the question's answers
    points: Decimal | None
    satisfied: bool


@dataclass(frozen=True)
class QuestionFigures:
    question_id: int
    number: int  # 1-based, as shown
    text: str
    kind: str
    satisfaction: str
    answered: int  # answer sheets that answered this question
    options: tuple[OptionFigure, ...]
    rate: Decimal | None  # the question's satisfaction (counted questions only)


@dataclass(frozen=True)
class Satisfaction:
    rate: Decimal | None  # per cent, 0–100, two decimals; None without any counted answer
    answers: int  # answer sheets of the survey
    per_question: tuple[QuestionFigures, ...]  # the questions that count for satisfaction
    explain: str  # how it was computed, in Chinese


def _percent(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator) * 100
    return exact.quantize(CENT, rounding=ROUND_HALF_UP)


def _figures(
    survey: Survey, only_counted: bool
) -> tuple[list[QuestionFigures], dict[int, Fraction]]:
    """Per-question figures from two aggregate queries (counts per option, answered sheets per
    question) plus the questions and options themselves; exact rates as fractions."""
    questions = survey.questions.order_by("position", "pk")
    if only_counted:
        questions = questions.exclude(satisfaction="")
    question_list = list(questions)
    ids = [q.pk for q in question_list]
    options: dict[int, list[Option]] = defaultdict(list)
    for option in Option.objects.filter(question_id__in=ids).order_by("position", "pk"):
        options[option.question_id].append(option)
    counts = {
        (row["question_id"], row["option_id"]): row["n"]
        for row in Answer.objects.filter(question_id__in=ids, option__isnull=False)
        .values("question_id", "option_id")
        .annotate(n=Count("pk"))
    }
    answered = dict(
        Answer.objects.filter(question_id__in=ids)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    numbers = {
        pk: i
        for i, pk in enumerate(
            survey.questions.order_by("position", "pk").values_list("pk", flat=True), 1
        )
    }
    figures, exact = [], {}
    for question in question_list:
        total = answered.get(question.pk, 0)
        rate = _question_rate(question, options[question.pk], counts, total)
        if rate is not None:
            exact[question.pk] = rate
        figures.append(
            QuestionFigures(
                question_id=question.pk,
                number=numbers[question.pk],
                text=question.text,
                kind=question.kind,
                satisfaction=question.satisfaction,
                answered=total,
                options=tuple(
                    OptionFigure(
                        option_id=o.pk,
                        label=o.label,
                        count=counts.get((question.pk, o.pk), 0),
                        share=_percent(Fraction(counts.get((question.pk, o.pk), 0), total))
                        if total
                        else None,
                        points=o.points,
                        satisfied=o.satisfied,
                    )
                    for o in options[question.pk]
                ),
                rate=_percent(rate) if rate is not None else None,
            )
        )
    return figures, exact


def _question_rate(
    question: Question, options: list[Option], counts: dict[tuple[int, int], int], total: int
) -> Fraction | None:
    if not question.satisfaction or not total:
        return None
    if question.satisfaction == SatisfactionMethod.SHARE:
        satisfied = sum(counts.get((question.pk, o.pk), 0) for o in options if o.satisfied)
        return Fraction(satisfied, total)
    full = max(Fraction(o.points or 0) for o in options)
    points = sum(Fraction(o.points or 0) * counts.get((question.pk, o.pk), 0) for o in options)
    return points / (full * total)


def question_figures(survey: Survey) -> list[QuestionFigures]:
    """Every question's answer counts per option (the results page and its charts)."""
    return _figures(survey, only_counted=False)[0]


def satisfaction(survey: Survey) -> Satisfaction:
    """The survey's satisfaction rate: the mean of the rates of the questions that count for
    satisfaction (each weighs the same), where a question's rate is either the share of its
    answers that chose a "satisfied" option, or the mean points of its answers divided by its
    highest points. Exact fractions throughout, rounded half up to 0.01 % once at the end."""
    figures, exact = _figures(survey, only_counted=True)
    answers = Response.objects.filter(survey=survey).count()
    rate = sum(exact.values(), Fraction(0)) / len(exact) if exact else None
    return Satisfaction(
        rate=_percent(rate) if rate is not None else None,
        answers=answers,
        per_question=tuple(figures),
        explain=_explain(figures, answers, rate),
    )


def _explain(figures: list[QuestionFigures], answers: int, rate: Fraction | None) -> str:
    if not figures:
        return "本问卷没有计入满意度的题目，不计算满意度。"
    lines = [f"共收到答卷{answers}份。"]
    for fig in figures:
        lines.append(_explain_question(fig))
    counted = [f for f in figures if f.rate is not None]
    if rate is None:
        lines.append("计入满意度的题目尚无回答，满意度暂无。")
    elif len(counted) == 1:
        lines.append(f"满意度 = 第{counted[0].number}题满意度 = {_percent(rate)}%。")
    else:
        parts = " + ".join(f"{f.rate}%" for f in counted)
        lines.append(
            f"满意度 = 各计入题目满意度的平均值 = ({parts}) ÷ {len(counted)} = {_percent(rate)}%"
            "（按未舍入的题目满意度计算，结果四舍五入保留两位小数）。"
        )
    return "\n".join(lines)


def _explain_question(fig: QuestionFigures) -> str:
    head = f"第{fig.number}题“{fig.text}”"
    if not fig.answered:
        return f"{head}：尚无回答，不参与计算。"
    if fig.satisfaction == SatisfactionMethod.SHARE:
        names = "、".join(o.label for o in fig.options if o.satisfied)
        chosen = sum(o.count for o in fig.options if o.satisfied)
        return f"{head}：选择“{names}”的{chosen}份 ÷ 回答该题的{fig.answered}份 = {fig.rate}%。"
    full = max(o.points or Decimal(0) for o in fig.options)
    total = sum((o.points or Decimal(0)) * o.count for o in fig.options)
    scale = "、".join(f"{o.label}{_num(o.points)}分" for o in fig.options)
    return (
        f"{head}（{scale}）：得分合计{_num(total)} ÷ (回答该题的{fig.answered}份 × "
        f"满分{_num(full)}) = {fig.rate}%。"
    )


def _num(value: Decimal | None) -> str:
    value = value or Decimal(0)
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def text_answers(survey: Survey, *, limit: int) -> dict[int, list[str]]:
    """The latest ``limit`` texts of each free-text question (one query per text question;
    a survey has few)."""
    result: dict[int, list[str]] = {}
    for question_id in survey.questions.filter(kind=QuestionKind.TEXT).values_list("pk", flat=True):
        result[question_id] = list(
            Answer.objects.filter(question_id=question_id)
            .exclude(text="")
            .order_by("-pk")
            .values_list("text", flat=True)[:limit]
        )
    return result


# --- Export ----------------------------------------------------------------------------------


def answer_rows(survey: Survey, questions: list[Question]) -> Iterator[dict[str, Any]]:
    """One row per answer sheet (submitted time and one cell per question), streamed in
    order from one query over the answers."""
    rows = (
        Answer.objects.filter(response__survey=survey)
        .order_by("response_id", "question_id", "option__position", "pk")
        .values_list(
            "response_id", "response__submitted_at", "question_id", "option__label", "text"
        )
    )
    current: dict[str, Any] | None = None
    current_id = None
    number = 0
    for response_id, submitted_at, question_id, label, text in rows.iterator(chunk_size=2000):
        if response_id != current_id:
            if current is not None:
                yield current
            number += 1
            current_id = response_id
            current = {"number": number, "submitted_at": submitted_at}
        assert current is not None  # noqa: S101 (set just above)
        key = f"q{question_id}"
        value = label if label is not None else text
        current[key] = f"{current[key]}；{value}" if key in current else value
    if current is not None:
        yield current


def kind_label(kind: str) -> str:
    return str(QuestionKind(kind).label)
