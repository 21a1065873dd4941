"""部门预算绩效管理工作考核表 as Excel: the departments' scores by part, ranks, the
commendation and notification marks and each score's explanation."""

from __future__ import annotations

from django.utils import timezone

from jixiao.budget.evaluation.results.accountability import Appraisal, rows_for_export
from jixiao.documents.excel import (
    Column,
    Field,
    Integer,
    Layout,
    Number,
    SheetData,
    Table,
    Text,
    export_workbook,
)
from jixiao.documents.language import in_official_language

POINTS = Number(places=2, width=10)

APPRAISAL = Layout(
    title="部门预算绩效管理工作考核表",
    fields=(
        Field("bureau", "财政部门", "B2", merge_to="C2"),
        Field("year", "预算年度", "E2"),
        Field("weights", "权重", "G2", merge_to="I2"),
        Field("state", "定稿", "B3", merge_to="E3"),
    ),
    table=Table(
        columns=(
            Column("rank", "名次", Integer(), width=6),
            Column("department", "主管部门", Text(), width=24),
            Column("timeliness", "及时性", POINTS),
            Column("coverage", "覆盖面", POINTS),
            Column("quality", "质量", POINTS),
            Column("rectification", "整改完成", POINTS),
            Column("total", "总分", POINTS),
            Column("list", "通报", Text(), width=10),
            Column("explanation", "计分说明", Text(), width=60),
        ),
        header_row=4,
    ),
)


@in_official_language
def export_appraisal(appraisal: Appraisal) -> bytes:
    """The appraisal as shown: a finalised version's stored figures (the sheet says which
    version), or the live computation marked 未定稿."""
    version = appraisal.version
    state = (
        f"第{version.version}版，{timezone.localtime(version.finalised_at):%Y-%m-%d %H:%M}定稿"
        if version is not None
        else "未定稿（实时计算）"
    )
    data = SheetData(
        fields={
            "bureau": appraisal.bureau.name,
            "year": str(appraisal.fiscal_year),
            "weights": appraisal.weights_text,
            "state": state,
        },
        rows=list(rows_for_export(appraisal)),
        name=f"{appraisal.fiscal_year}年度",
    )
    return export_workbook(APPRAISAL, [data])
