"""Documents out of a scheme: the progress report for a special meeting (专题会议: 进展情况、
存在问题、措施, GOV-3) in Word and PDF, and the cadre summary in Excel for the annual
appraisal (GOV-4)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import xlsxwriter

from jixiao.documents.language import in_official_language
from jixiao.documents.pdf import render_pdf
from jixiao.documents.word import Heading, Paragraph, Signatures, TableBlock, render_docx
from jixiao.government.models import Part, Scheme
from jixiao.government.queries import CadreSummary, Progress, progress_rows
from jixiao.government.scoring import SchemeResult
from jixiao.lib.plain import plain

SIGNATURES = [["领导小组办公室（盖章）", "审核", "统计", "报告日期"]]
HEADER = [
    "评估部分",
    "考核事项",
    "责任科室",
    "责任人",
    "年度目标",
    "累计完成",
    "完成进度",
    "进展情况",
    "存在问题",
    "措施",
]


@dataclass
class MeetingReport:
    scheme: Scheme
    today: date
    rows: list[Progress]
    result: SchemeResult

    @property
    def title(self) -> str:
        return f"{self.scheme.organization.name}政府绩效管理工作进展情况报告"

    @property
    def subtitle(self) -> str:
        return f"（{self.scheme.year}年度，截至{self.today:%Y-%m-%d}，供专题会议研究）"

    def summary(self) -> str:
        behind = [r for r in self.rows if r.behind]
        problems = [r for r in self.rows if r.latest is not None and r.latest.problems]
        reviewed = sum(1 for s in self.result.items if s.reviewed)
        elapsed = plain(self.rows[0].time_progress) if self.rows else "0"
        return (
            f"本年度考核方案共{len(self.rows)}项考核事项，已落实到责任科室和责任人；"
            f"已考核评分{reviewed}项。按时间进度{elapsed}%衡量，"
            f"进度滞后的事项{len(behind)}项，报告存在问题的事项{len(problems)}项。"
            f"当前考核组得分{plain(self.result.assessment)}，总分{plain(self.result.total)}"
            f"（{'结果完整' if self.result.complete else '尚有事项未考核，结果为阶段性'}）。"
        )

    def table(self) -> list[list[str]]:
        return [_row(r) for r in self.rows]


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{plain(value)}%"


def _num(value: Decimal | None, unit: str) -> str:
    return "—" if value is None else f"{plain(value)}{unit}"


def _row(r: Progress) -> list[str]:
    ind = r.item.indicator
    target = _num(r.target, ind.unit) if r.target is not None else (ind.target_text or "定性")
    latest = r.latest
    return [
        str(Part(r.item.part).label),
        ind.name,
        r.item.office.name if r.item.office else "",
        r.item.responsible.display_name if r.item.responsible else "",
        target,
        _num(r.actual, ind.unit),
        _pct(r.completion) + ("（滞后）" if r.behind else ""),
        latest.progress_note if latest else "",
        latest.problems if latest else "",
        latest.measures if latest else "",
    ]


def meeting_report(scheme: Scheme, result: SchemeResult, today: date) -> MeetingReport:
    items = [s.item for s in result.items]
    return MeetingReport(scheme, today, progress_rows(items, today), result)


@in_official_language
def meeting_report_docx(report: MeetingReport) -> bytes:
    blocks = [
        Heading("一、总体进展情况"),
        Paragraph(report.summary()),
        Heading("二、各事项进展、存在问题和措施"),
        TableBlock(
            HEADER, report.table(), widths=[1.6, 3.2, 2.4, 1.6, 1.8, 1.8, 1.8, 3.6, 3.4, 3.4]
        ),
        Heading("三、考核得分计算"),
        *[Paragraph(line) for line in report.result.explanation()],
        Signatures(SIGNATURES),
    ]
    return render_docx(report.title, blocks, subtitle=report.subtitle, landscape=True)


@in_official_language
def meeting_report_pdf(report: MeetingReport) -> bytes:
    return render_pdf(
        "government/print/meeting_report.html",
        {
            "title": report.title,
            "subtitle": report.subtitle,
            "landscape": True,
            "summary": report.summary(),
            "header": HEADER,
            "rows": report.table(),
            "explanation": report.result.explanation(),
        },
        signatures=SIGNATURES,
    )


@in_official_language
def cadre_xlsx(scheme: Scheme, summaries: list[CadreSummary]) -> bytes:
    """干部年度考核·政府绩效考核结果汇总表: one row per item, grouped by person, with the
    recommended grade and its reasons."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("干部考核汇总")
    title = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    head = book.add_format(
        {
            "bold": True,
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "bg_color": "#DDEBF7",
        }
    )
    cell = book.add_format({"border": 1, "valign": "vcenter", "text_wrap": True})
    number = book.add_format({"border": 1, "valign": "vcenter", "num_format": "0.00"})
    columns = [
        "责任人",
        "责任科室",
        "考核事项",
        "分值",
        "考核得分",
        "得分率（%）",
        "平均得分率（%）",
        "建议等次",
        "理由",
    ]
    widths = [12, 18, 28, 8, 10, 12, 14, 10, 48]
    sheet.merge_range(0, 0, 0, len(columns) - 1, f"{scheme.name}·干部年度考核结果汇总表", title)
    sheet.set_row(0, 30)
    for col, (name, width) in enumerate(zip(columns, widths, strict=True)):
        sheet.write(1, col, name, head)
        sheet.set_column(col, col, width)
    sheet.freeze_panes(2, 0)
    row = 2
    for summary in summaries:
        first = row
        for score in summary.items:
            sheet.write(row, 2, score.item.indicator.name, cell)
            sheet.write_number(row, 3, float(score.full), number)
            sheet.write_number(row, 4, float(score.score), number)
            sheet.write_number(row, 5, float(score.rate), number)
            row += 1
        last = row - 1
        values = [
            (0, summary.person.display_name, cell),
            (1, "、".join(summary.offices), cell),
            (6, float(summary.average_rate), number),
            (7, summary.recommendation, cell),
            (8, "；".join(summary.reasons), cell),
        ]
        for col, value, fmt in values:
            if last > first:
                sheet.merge_range(first, col, last, col, value, fmt)
            elif isinstance(value, float):
                sheet.write_number(first, col, value, fmt)
            else:
                sheet.write(first, col, value, fmt)
    book.close()
    return out.getvalue()
