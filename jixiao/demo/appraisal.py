"""Demo data for employee appraisal (EMP-1…7), built through the services: the company's
《规定》 and each department's 考核细则 (工程管理部 revised after feedback), salary bases,
last month approved with pay and locked, this month open with some departments submitted,
one "dead water" department (安全质量部: everyone the same score), the year's work progress
table and an appeal waiting for the office."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from jixiao.appraisal import services
from jixiao.appraisal.models import (
    DepartmentSheet,
    EmployeeScore,
    ItemKind,
    RuleSetKind,
    RuleSetStatus,
    StepStatus,
)
from jixiao.appraisal.services import ItemSpec
from jixiao.demo import data
from jixiao.orgs.models import Organization, User

D = Decimal

GENERAL_ITEMS = [
    ItemSpec(ItemKind.BONUS, "受到上级表彰或通报表扬", points=D(5), cap=D(10)),
    ItemSpec(ItemKind.BONUS, "合理化建议被采纳", points=D(2), cap=D(6)),
    ItemSpec(ItemKind.BONUS, "完成急难险重任务", points=D(3), cap=D(9)),
    ItemSpec(ItemKind.PENALTY, "迟到早退", points=D(1), cap=D(5)),
    ItemSpec(ItemKind.PENALTY, "违反工作纪律", points=D(3), cap=D(9)),
    ItemSpec(ItemKind.PENALTY, "工作失误造成不良影响", points=D(5), cap=D(15)),
]

# Department → its own scored items (name, full score); they add up to 100.
SCORED = {
    "综合办公室": [
        ("公文办理及时准确", 40),
        ("会务保障", 25),
        ("服务满意度", 20),
        ("工作纪律", 15),
    ],
    "人力资源部": [
        ("招聘与培训计划完成", 40),
        ("薪酬核算准确", 30),
        ("服务满意度", 15),
        ("工作纪律", 15),
    ],
    "财务部": [("账务处理准确及时", 45), ("资金安全", 25), ("报表质量", 15), ("工作纪律", 15)],
    "工程管理部": [("项目进度完成", 40), ("工程质量", 30), ("安全文明施工", 20), ("工作纪律", 10)],
    "投资发展部": [("投资计划完成", 45), ("项目储备质量", 25), ("协作配合", 15), ("工作纪律", 15)],
    "安全质量部": [("安全检查覆盖", 40), ("隐患整改闭环", 30), ("质量抽检", 15), ("工作纪律", 15)],
}
DEPARTMENT_BONUS = ItemSpec(ItemKind.BONUS, "超额完成部门重点任务", points=D(2), cap=D(4))
DEAD_WATER = "安全质量部"
SUBMITTED_THIS_MONTH = ["综合办公室", "财务部", DEAD_WATER]

PROGRESS = [
    ("制定《绩效考核管理规定》及各部门考核细则", (1, 5), (1, 31), "绩效办", StepStatus.DONE),
    ("考核细则试行，收集各部门执行中的问题", (2, 1), (4, 30), "各部门负责人", StepStatus.DONE),
    ("修订考核细则并定稿", (5, 1), (5, 31), "绩效办", StepStatus.DONE),
    ("绩效工资占比由20%逐步提高", (6, 1), (9, 30), "人力资源部", StepStatus.IN_PROGRESS),
    ("每月审核分析各部门考核汇总（1—20日）", (1, 1), (12, 20), "绩效办", StepStatus.IN_PROGRESS),
    ("每月反馈考核问题及整改意见（15—28日）", (1, 15), (12, 28), "绩效办", StepStatus.IN_PROGRESS),
    ("年度考核结果运用与总结", (12, 1), (12, 31), "绩效办", StepStatus.PLANNED),
]


def _previous(today: date) -> tuple[int, int]:
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def build(today: date, by_name: dict[str, Organization]) -> None:
    """Create the demo's appraisal data through the services."""
    company = by_name[data.COMPANY[0]]
    hr = User.objects.get(username="hr")
    head = User.objects.get(username="dept_head")
    rng = random.Random(20260701)  # noqa: S311 (demo data, not security)
    services.appraisal_settings_set(
        actor=None, organization=company, performance_share=D("0.6"), excellent_quota=D(20)
    )
    _rules(company, head, hr)
    for person in User.objects.filter(organization__path__startswith=company.path):
        base = D(rng.randrange(4200, 9800, 100))
        services.pay_profile_set(actor=None, employee=person, salary_base=base)
    year, month = _previous(today)
    last = services.appraisal_month_open(actor=hr, organization=company, year=year, month=month)
    for sheet in _sheets(last):
        _score(sheet, rng, head)
        _submit(sheet, head)
        services.appraisal_sheet_approve(actor=hr, sheet=sheet, comment="审核通过")
    services.appraisal_month_close(actor=hr, month=last)
    _appeal(last)
    current = services.appraisal_month_open(
        actor=hr, organization=company, year=today.year, month=today.month
    )
    for sheet in _sheets(current):
        name = sheet.department.name
        if name in SUBMITTED_THIS_MONTH:
            _score(sheet, rng, head)
            _submit(sheet, head)
        elif name == "工程管理部":
            _score(sheet, rng, head, partly=True)
    _progress(company, today.year, hr)


def _rules(company: Organization, head: User, hr: User) -> None:
    general = services.rule_set_create(
        actor=hr,
        organization=company,
        kind=RuleSetKind.GENERAL,
        name="绩效考核管理规定",
        items=GENERAL_ITEMS,
        note="由扣分制改为打分制，奖惩结合",
    )
    services.rule_set_set_status(actor=hr, rule_set=general, status=RuleSetStatus.FINAL)
    for dept in Organization.objects.filter(parent=company).order_by("path"):
        specs = [ItemSpec(ItemKind.SCORED, n, full_score=D(f)) for n, f in SCORED[dept.name]]
        rule_set = services.rule_set_create(
            actor=hr,
            organization=dept,
            name=f"{dept.name}绩效考核细则",
            items=[*specs, DEPARTMENT_BONUS],
        )
        services.rule_set_set_status(actor=hr, rule_set=rule_set, status=RuleSetStatus.TRIAL)
        if dept.name != "工程管理部":
            services.rule_set_set_status(actor=hr, rule_set=rule_set, status=RuleSetStatus.FINAL)
            continue
        feedback = services.rule_set_feedback_add(
            actor=head,
            rule_set=rule_set,
            text="“工作纪律”10分难以拉开差距，建议增设安全文明施工分值",
        )
        revised = services.rule_set_revise(
            actor=hr, rule_set=rule_set, note="采纳工程管理部反馈，调整分值", feedback=[feedback]
        )
        services.rule_set_set_status(actor=hr, rule_set=revised, status=RuleSetStatus.FINAL)


def _sheets(month: object) -> list[DepartmentSheet]:
    return list(DepartmentSheet.objects.filter(month=month).select_related("department", "month"))


def _score(sheet: DepartmentSheet, rng: random.Random, head: User, partly: bool = False) -> None:
    items = services.sheet_items(sheet)
    rows: dict[int, dict[int, object]] = {}
    people = list(EmployeeScore.objects.filter(sheet=sheet).values_list("employee_id", flat=True))
    if partly:
        people = people[: len(people) // 2]
    same = sheet.department.name == DEAD_WATER
    for employee_id in people:
        rows[employee_id] = {
            i.pk: (i.full_score * D("0.85") if same else _rated(i.full_score, rng))
            for i in items.scored
        }
    actor = head if sheet.department.name == "工程管理部" else None
    services.appraisal_scores_save(actor=actor, sheet=sheet, rows=rows)
    if same or partly:
        return
    points = list(items.points.values())
    for employee_id in rng.sample(people, k=min(3, len(people))):
        item = rng.choice(points)
        services.appraisal_event_add(
            actor=actor,
            sheet=sheet,
            employee=User.objects.get(pk=employee_id),
            item=item,
            evidence_text=f"{sheet.month.label}{item.name}，见部门台账",
        )
    services.appraisal_sheet_sign(
        actor=actor, sheet=sheet, reviewer_name="部门负责人", statistician_name="部门统计员"
    )


def _rated(full: D | None, rng: random.Random) -> D:
    share = D(rng.randrange(62, 101)) / 100
    return ((full or D(0)) * share).quantize(D("0.5"))


def _submit(sheet: DepartmentSheet, head: User) -> None:
    actor = head if sheet.department.name == "工程管理部" else None
    services.appraisal_sheet_submit(actor=actor, sheet=sheet)


def _appeal(month: object) -> None:
    employee = User.objects.get(username="employee")
    score = EmployeeScore.objects.filter(sheet__month=month, employee=employee).first()
    if score is not None:
        services.appraisal_appeal_create(
            actor=employee, score=score, reason="本月参加抢险加班三次，未计入“完成急难险重任务”加分"
        )


def _progress(company: Organization, year: int, hr: User) -> None:
    for position, (title, start, end, owner, status) in enumerate(PROGRESS, start=1):
        services.progress_step_save(
            actor=hr,
            organization=company,
            year=year,
            title=title,
            start_date=date(year, *start),
            end_date=date(year, *end),
            owner=owner,
            status=status,
            position=position,
        )
