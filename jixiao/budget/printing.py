"""The target declaration printed (CORE-7): 项目支出绩效目标申报表 as PDF.

The same layout as the Excel form (:data:`jixiao.budget.excel.TARGET_DECLARATION`), drawn by
``documents.pdf.render_layout_pdf``: A4 landscape, the title centred with the year under it,
the header block with its merged cells, the indicator table with 一级/二级指标 merged as on
paper, then the signature lines — the unit's (单位（盖章）, 填报人, 联系电话, 填报日期, from the
form's footer) and the reviewers' (审核) — in a serif CJK font, nothing fetched from outside.
"""

from __future__ import annotations

from jixiao.budget.excel import TARGET_DECLARATION, declaration_data, tree_nodes
from jixiao.budget.models import Project
from jixiao.documents.language import in_official_language
from jixiao.documents.pdf import render_layout_pdf

# Below the unit's own line (the form's footer): where the reviewing levels sign.
REVIEW_SIGNATURES = [["审核", "审核日期"]]


@in_official_language
def declaration_pdf(project: Project) -> bytes:
    """The project's declaration as PDF bytes (two queries: its indicators, and nothing
    else beyond the project, unit and department the caller loaded)."""
    nodes = tree_nodes([project.annual_tree_id] if project.annual_tree_id else [])
    data = declaration_data(project, nodes.get(project.annual_tree_id or 0, []))
    return render_layout_pdf(
        TARGET_DECLARATION,
        data,
        subtitle=f"（{project.fiscal_year}年度）",
        signatures=REVIEW_SIGNATURES,
    )


def pdf_filename(project: Project) -> str:
    return f"{project.code}_项目支出绩效目标申报表.pdf"
