"""The 绩效跟踪结果报告 with its two tracking forms as Word (python-docx, for the unit to edit
further) and as PDF (WeasyPrint, Noto CJK): the report's six sections, then
绩效跟踪表（项目分阶段完成情况表） and 绩效跟踪表（绩效目标实现情况及纠偏表）."""

from __future__ import annotations

from typing import Any

from jixiao.budget.monitoring.models import TrackingRecord
from jixiao.documents.language import in_official_language
from jixiao.documents.pdf import render_pdf
from jixiao.documents.word import Heading, PageBreak, Paragraph, Signatures, TableBlock, render_docx

TITLE = "绩效跟踪结果报告"
STAGES_TITLE = "绩效跟踪表（项目分阶段完成情况表）"
TARGETS_TITLE = "绩效跟踪表（绩效目标实现情况及纠偏表）"
STAGE_HEADER = ("序号", "实施阶段", "计划内容", "计划完成时间", "实际进展", "完成情况")
TARGET_HEADER = (
    "序号",
    "重点目标",
    "目标值",
    "实际完成值",
    "偏差情况",
    "偏差原因分析",
    "纠偏路径及措施",
    "纠偏结果",
)
SIGNATURES = [["填报单位（盖章）", "填报人", "联系电话", "报送日期"]]


def _subtitle(record: TrackingRecord) -> str:
    return f"{record.project.code} {record.project.name}（{record.round.name}）"


def stage_rows(record: TrackingRecord) -> list[list[Any]]:
    return [
        [n, s.stage, s.planned_content, s.planned_time, s.actual_progress, s.completion]
        for n, s in enumerate(record.stages.all(), 1)
    ]


def target_rows(record: TrackingRecord) -> list[list[Any]]:
    return [
        [
            n,
            t.indicator_name,
            t.target,
            t.actual,
            t.deviation,
            t.reason_analysis,
            t.correction_path,
            t.correction_result,
        ]
        for n, t in enumerate(record.targets.all(), 1)
    ]


@in_official_language
def report_docx(record: TrackingRecord) -> bytes:
    blocks: list[Any] = []
    for _, heading, text in record.report_sections():
        blocks.append(Heading(heading, 2))
        blocks += [Paragraph(line) for line in (text or "").splitlines() if line.strip()]
    blocks += [
        Signatures(SIGNATURES),
        PageBreak(),
        TableBlock(STAGE_HEADER, stage_rows(record), caption=STAGES_TITLE),
        Paragraph("", indent=False),
        TableBlock(TARGET_HEADER, target_rows(record), caption=TARGETS_TITLE),
    ]
    return render_docx(TITLE, blocks, subtitle=_subtitle(record))


@in_official_language
def report_pdf(record: TrackingRecord) -> bytes:
    sections = [
        (heading, [line for line in (text or "").splitlines() if line.strip()])
        for _, heading, text in record.report_sections()
    ]
    return render_pdf(
        "budget/monitoring/interventions/tracking_print.html",
        {
            "title": TITLE,
            "subtitle": _subtitle(record),
            "sections": sections,
            "stages_title": STAGES_TITLE,
            "stage_header": STAGE_HEADER,
            "stage_rows": stage_rows(record),
            "targets_title": TARGETS_TITLE,
            "target_header": TARGET_HEADER,
            "target_rows": target_rows(record),
        },
        signatures=SIGNATURES,
    )


def filename(record: TrackingRecord, extension: str) -> str:
    return f"{record.project.code}_{TITLE}.{extension}"
