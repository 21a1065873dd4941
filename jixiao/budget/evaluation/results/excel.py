"""部门预算绩效管理工作考核表 as Excel: the departments' scores by part, ranks, the
commendation and notification marks and each score's explanation."""

from __future__ import annotations

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

POINTS = Number(places=2, width=10)

APPRAISAL = Layout(
    title="部门预算绩效管理工作考核表",
    fields=(
        Field("bureau", "财政部门", "B2", merge_to="C2"),
        Field("year", "预算年度", "E2"),
        Field("weights", "权重", "G2", merge_to="I2"),
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


def export_appraisal(appraisal: Appraisal) -> bytes:
    weights = appraisal.settings.weights
    data = SheetData(
        fields={
            "bureau": appraisal.bureau.name,
            "year": str(appraisal.fiscal_year),
            "weights": "，".join(
                f"{label}{weights[key].normalize():f}"
                for key, label in (
                    ("timeliness", "及时性"),
                    ("coverage", "覆盖面"),
                    ("quality", "质量"),
                    ("rectification", "整改完成"),
                )
            ),
        },
        rows=list(rows_for_export(appraisal)),
        name=f"{appraisal.fiscal_year}年度",
    )
    return export_workbook(APPRAISAL, [data])
