"""An appraisal world on top of the personas: a company with two departments, their heads,
employees with salary bases, the 《规定》 and each department's rule set in force."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.appraisal import services
from jixiao.appraisal.models import ItemKind, RuleSet, RuleSetKind, RuleSetStatus
from jixiao.appraisal.services import ItemSpec
from jixiao.orgs.models import Organization, OrgKind, Role, User
from jixiao.testing.factories import Personas, make_org, make_user

D = Decimal
SCORED = [("工作任务完成", 50), ("工作质量", 30), ("劳动纪律", 20)]


@dataclass
class World:
    personas: Personas
    company: Organization
    dept: Organization
    other_dept: Organization
    hr: User
    head: User
    other_head: User
    employee: User
    colleague: User
    outsider: User
    general: RuleSet
    rule_set: RuleSet
    other_rule_set: RuleSet

    def item(self, name: str, rule_set: RuleSet | None = None):  # type: ignore[no-untyped-def]
        sets = [rule_set] if rule_set else [self.rule_set, self.general]
        for s in sets:
            found = s.items.filter(name=name).first()
            if found:
                return found
        raise LookupError(name)


def department_rules(dept: Organization, general: RuleSet) -> RuleSet:
    rule_set = services.rule_set_create(
        actor=None,
        organization=dept,
        name=f"{dept.name}考核细则",
        items=[ItemSpec(ItemKind.SCORED, n, full_score=D(f)) for n, f in SCORED]
        + [ItemSpec(ItemKind.BONUS, "部门专项加分", points=D(2), cap=D(4))],
    )
    return services.rule_set_set_status(actor=None, rule_set=rule_set, status=RuleSetStatus.FINAL)


def make_world(personas: Personas) -> World:
    company = personas.company
    dept = personas.company_dept
    other = make_org("测试公司销售部", OrgKind.DEPARTMENT, company)
    general = services.rule_set_create(
        actor=None,
        organization=company,
        kind=RuleSetKind.GENERAL,
        name="绩效考核管理规定",
        items=[
            ItemSpec(ItemKind.BONUS, "受到上级表彰", points=D(5), cap=D(10)),
            ItemSpec(ItemKind.PENALTY, "迟到早退", points=D(1), cap=D(5)),
        ],
    )
    services.rule_set_set_status(actor=None, rule_set=general, status=RuleSetStatus.FINAL)
    head = make_user("head", dept, Role.DEPARTMENT_HEAD, full_name="部门长")
    other_head = make_user("other_head", other, Role.DEPARTMENT_HEAD, full_name="销售部长")
    colleague = make_user("colleague", dept, Role.EMPLOYEE, full_name="同事乙")
    outsider = make_user("outsider", other, Role.EMPLOYEE, full_name="销售员丙")
    for number, person in enumerate(
        [personas.employee, colleague, head, other_head, outsider], start=1
    ):
        person.employee_number = f"E{number:03d}"
        person.save(update_fields=["employee_number"])
        services.pay_profile_set(actor=None, employee=person, salary_base=D(5000))
    return World(
        personas=personas,
        company=company,
        dept=dept,
        other_dept=other,
        hr=personas.hr_officer,
        head=head,
        other_head=other_head,
        employee=personas.employee,
        colleague=colleague,
        outsider=outsider,
        general=general,
        rule_set=department_rules(dept, general),
        other_rule_set=department_rules(other, general),
    )
