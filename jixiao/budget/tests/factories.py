"""A complete project declaration for tests: passes the completeness checks."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.base import ContentFile

from jixiao.budget import services
from jixiao.budget.models import Conclusion, Project
from jixiao.indicators.models import Indicator

D = Decimal

# (level-2 group, name, direction, target, unit, full)
TARGETS = [
    ("数量指标", "新建改造供水工程", "gte", D(24), "处", D(30)),
    ("质量指标", "工程验收合格率", "eq", D(100), "%", D(10)),
    ("成本指标", "单处工程平均造价", "lte", D(50), "万元", D(10)),
    ("社会效益指标", "农村自来水普及率", "gte", D(92), "%", D(30)),
    ("服务对象满意度指标", "受益群众满意度", "gte", D(90), "%", D(10)),
]


BIG = D(1200)  # above the default ex-ante threshold of 500万元


def make_project(unit, actor=None, code="P001", total=BIG, **values) -> Project:  # type: ignore[no-untyped-def]
    defaults = {
        "fiscal_year": 2027,
        "code": code,
        "name": "农村饮水安全巩固提升",
        "function_code": "21303",
        "start_year": 2027,
        "end_year": 2027,
        "annual_total": total,
        "annual_fiscal": total,
        "annual_goal": "新建改造供水工程24处，巩固提升3.6万农村人口饮水安全。",
    }
    defaults.update(values)
    return services.project_create(actor=actor, unit=unit, **defaults)


def group(project: Project, name: str) -> Indicator:
    return project.annual_tree.indicators.get(level=2, name=name)


def fill_targets(project: Project, actor=None) -> dict[str, Indicator]:  # type: ignore[no-untyped-def]
    created = {}
    for group_name, name, direction, target, unit, full in TARGETS:
        created[name] = services.target_indicator_add(
            actor=actor,
            project=project,
            parent=group(project, group_name),
            name=name,
            kind="quantitative",
            direction=direction,
            target_value=target,
            unit=unit,
            full_score=full,
            rule=direction,
            basis="plan",
        )
    return created


def pass_ex_ante(project: Project, actor=None) -> None:  # type: ignore[no-untyped-def]
    assessment = services.ex_ante_start(actor=actor, project=project)
    values = {n.pk: {"level": "achieved", "score": D(18)} for n in assessment.tree.indicators.all()}
    services.ex_ante_assess(
        actor=actor,
        assessment=assessment,
        values=values,
        conclusion=Conclusion.SUPPORT,
        opinion="立项必要，方案可行。",
    )
    services.ex_ante_attach_report(
        actor=actor,
        assessment=assessment,
        report=ContentFile(b"%PDF-1.4 report", name="report.pdf"),
    )
