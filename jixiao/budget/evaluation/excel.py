"""Next year's budget proposal from the grades (结果应用, BUD-10) in Excel: one sheet of
projects with totals, one of supervising departments with their control numbers."""

from __future__ import annotations

from jixiao.budget.evaluation.queries import Proposal
from jixiao.documents.excel import (
    Column,
    Field,
    Layout,
    Number,
    SheetData,
    Table,
    Text,
    WorkbookWriter,
)
from jixiao.documents.language import in_official_language

_MONEY = Number(places=2, style="money")
_SCORE = Number(places=2)

PROJECTS = Layout(
    title="绩效评价结果应用：下年度预算安排建议表（项目）",
    fields=(Field("year", "预算年度", "B2"), Field("cut_share", "“中”等级压减比例", "E2")),
    table=Table(
        columns=(
            Column("code", "项目代码", Text(), width=14),
            Column("name", "项目名称", Text(), width=30),
            Column("unit", "实施单位", Text(), width=20),
            Column("department", "主管部门", Text(), width=18),
            Column("total", "评价得分", _SCORE),
            Column("grade", "等级", Text(), width=6),
            Column("source", "结果来源", Text(), width=12),
            Column("base", "本年预算（万元）", _MONEY),
            Column("proposed", "下年建议（万元）", _MONEY),
            Column("cut", "压减额（万元）", _MONEY),
            Column("action", "处理意见", Text(), width=26),
        ),
        header_row=4,
    ),
)

DEPARTMENTS = Layout(
    title="绩效评价结果应用：主管部门预算控制数建议表",
    fields=(Field("year", "预算年度", "B2"),),
    table=Table(
        columns=(
            Column("department", "主管部门", Text(), width=22),
            Column("base", "本年项目预算（万元）", _MONEY),
            Column("proposed", "下年建议（万元）", _MONEY),
            Column("cut", "压减额（万元）", _MONEY),
            Column("control", "预算控制数（万元）", _MONEY),
            Column("control_cut", "扣减控制数（万元）", _MONEY),
            Column("control_proposed", "建议控制数（万元）", _MONEY),
        ),
        header_row=4,
    ),
)

TOTAL = "合计"


@in_official_language
def export_proposal(proposal: Proposal) -> bytes:
    """The proposal in two workbooks' worth of sheets: projects, then departments."""
    projects = [
        {
            "code": r.result.project.code,
            "name": r.result.project.name,
            "unit": r.result.project.unit.name,
            "department": r.result.project.department.name if r.result.project.department else "",
            "total": r.result.total,
            "grade": r.result.grade_label,
            "source": r.result.source,
            "base": r.base,
            "proposed": r.proposed,
            "cut": r.cut,
            "action": r.action,
        }
        for r in proposal.rows
    ]
    projects.append(
        {
            "code": TOTAL,
            "base": proposal.base,
            "proposed": proposal.proposed,
            "cut": proposal.cut,
        }
    )
    departments = [
        {
            "department": d.department.name if d.department else "（无主管部门）",
            "base": d.base,
            "proposed": d.proposed,
            "cut": d.cut,
            "control": d.control,
            "control_cut": d.control_cut,
            "control_proposed": d.control_proposed,
        }
        for d in proposal.departments
    ]
    departments.append(
        {
            "department": TOTAL,
            "base": proposal.base,
            "proposed": proposal.proposed,
            "cut": proposal.cut,
            "control_cut": proposal.control_cut,
        }
    )
    share = f"{(proposal.fair_cut * 100).normalize():f}%"
    writer = WorkbookWriter()
    writer.add_data(
        PROJECTS,
        SheetData(
            name="项目", fields={"year": proposal.fiscal_year, "cut_share": share}, rows=projects
        ),
    )
    writer.add_data(
        DEPARTMENTS,
        SheetData(name="主管部门", fields={"year": proposal.fiscal_year}, rows=departments),
    )
    return writer.close() or b""
