"""The reports as Word (python-docx, editable) and PDF (WeasyPrint, Noto CJK).

The PDF draws the report's chart from its SVG (``figures["chart_svg"]``), which WeasyPrint
renders itself. Word cannot take SVG and matplotlib is not installed to draw a PNG, so the
Word file gives the chart's numbers as a table ("图表数据") in its place."""

from __future__ import annotations

from typing import Any

from jixiao.budget.evaluation.result_models import PerformanceReport, ReportKind
from jixiao.documents.language import in_official_language
from jixiao.documents.pdf import render_pdf
from jixiao.documents.word import Heading, Paragraph, TableBlock, render_docx

GRADE_HEADER = ("等级", "项目数")
GRADE_LABELS = (
    ("excellent", "优"),
    ("good", "良"),
    ("fair", "中"),
    ("poor", "差"),
    ("none", "未评价"),
)


def tables(report: PerformanceReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The report's tables as (caption, header, rows), after its text."""
    f = report.figures
    out: list[tuple[str, list[str], list[list[Any]]]] = []
    if report.kind == ReportKind.EVALUATION:
        if f.get("parts"):
            out.append(
                (
                    "图表数据：决策、过程、产出、效益得分",
                    ["部分", "满分", "得分"],
                    [[p["label"], p["full"], p["score"]] for p in f["parts"]],
                )
            )
        with_self = any(i.get("self_score") for i in f.get("items", []))
        header = ["一级指标", "二级指标", "三级指标", "分值"]
        header += ["自评得分", "评价得分"] if with_self else ["得分"]
        rows = [
            [i["level1"], i["level2"], i["name"], i["full"]]
            + ([i["self_score"], i["score"]] if with_self else [i["score"]])
            for i in f.get("items", [])
        ]
        out.append(("评价指标得分表", header, rows))
    elif report.kind == ReportKind.UNIT:
        out.append(_grades(f))
        out.append(
            (
                "项目绩效评价情况表",
                [
                    "项目代码",
                    "项目名称",
                    "实施单位",
                    "资金（万元）",
                    "自评状态",
                    "自评得分",
                    "自评等级",
                    "财政评价",
                ],
                [
                    [
                        p["code"],
                        p["name"],
                        p["unit"],
                        p["amount"],
                        p["self_state"],
                        p["self_total"],
                        p["self_grade"],
                        p["evaluation"],
                    ]
                    for p in f.get("projects", [])
                ],
            )
        )
    else:
        out.append(_grades(f))
        if f.get("key"):
            out.append(
                (
                    "重点评价结果表",
                    ["项目代码", "项目名称", "实施单位", "评价类型", "得分", "等级"],
                    [
                        [k["code"], k["name"], k["unit"], k["kind"], k["total"], k["grade"]]
                        for k in f["key"]
                    ],
                )
            )
        out.append(
            (
                "部门预算绩效管理工作考核排名",
                ["名次", "主管部门", "得分", "通报"],
                [[d["rank"], d["name"], d["total"], d["list"]] for d in f.get("departments", [])],
            )
        )
    return out


def _grades(f: dict[str, Any]) -> tuple[str, list[str], list[list[Any]]]:
    grades = f.get("grades", {})
    return (
        "图表数据：评价等级分布",
        list(GRADE_HEADER),
        [[label, grades.get(code, 0)] for code, label in GRADE_LABELS],
    )


def _subtitle(report: PerformanceReport) -> str:
    state = "（已印发）" if report.issued_at else "（草稿）"
    return f"{report.organization.name} · {report.fiscal_year}年度{state}"


@in_official_language
def report_docx(report: PerformanceReport) -> bytes:
    blocks: list[Any] = []
    for section in report.sections:
        blocks.append(Heading(section["heading"], 2))
        blocks += [Paragraph(line) for line in section["text"].splitlines() if line.strip()]
    for caption, header, rows in tables(report):
        blocks.append(Paragraph("", indent=False))
        blocks.append(TableBlock(header, rows, caption=caption))
    return render_docx(report.title, blocks, subtitle=_subtitle(report))


@in_official_language
def report_pdf(report: PerformanceReport) -> bytes:
    sections = [
        (s["heading"], [line for line in s["text"].splitlines() if line.strip()])
        for s in report.sections
    ]
    return render_pdf(
        "budget/results/report_print.html",
        {
            "title": report.title,
            "subtitle": _subtitle(report),
            "sections": sections,
            "chart_svg": report.figures.get("chart_svg", ""),
            "tables": [t for t in tables(report) if not t[0].startswith("图表数据")],
        },
    )


def filename(report: PerformanceReport, extension: str) -> str:
    return f"{report.title}.{extension}"
