"""The answers of a survey in Excel: one row per answer sheet, one column per question."""

from __future__ import annotations

from django.utils import timezone

from jixiao.documents.excel import Column, Field, Integer, Layout, SheetData, Table, Text
from jixiao.documents.excel.writing import export_workbook
from jixiao.documents.language import in_official_language
from jixiao.surveys.models import Question, Survey
from jixiao.surveys.queries import answer_rows


def answers_layout(questions: list[Question]) -> Layout:
    columns = [
        Column("number", "序号", Integer(), width=6),
        Column("submitted_at", "提交时间", Text(), width=18),
    ]
    columns += [
        Column(f"q{q.pk}", f"{n}. {q.text}"[:200], Text(), width=24)
        for n, q in enumerate(questions, 1)
    ]
    return Layout(
        title="问卷答卷明细",
        fields=(
            Field("title", "问卷", "B2", merge_to="D2"),
            Field("organization", "发布单位", "F2", merge_to="G2"),
        ),
        table=Table(columns=tuple(columns), header_row=4),
        widths={"E": 12},
    )


@in_official_language
def export_answers(survey: Survey, questions: list[Question]) -> bytes:
    rows = []
    for row in answer_rows(survey, questions):
        row["submitted_at"] = timezone.localtime(row["submitted_at"]).strftime("%Y-%m-%d %H:%M")
        rows.append(row)
    data = SheetData(
        name="答卷",
        fields={"title": survey.title, "organization": survey.organization.name},
        rows=rows,
    )
    return export_workbook(answers_layout(questions), [data])
