"""Test data: factories and the personas every endpoint is tested with (STYLE.md)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from jixiao.orgs import services
from jixiao.orgs.models import Organization, OrgKind, Role, User

PASSWORD = "Jixiao-Test-2026"  # noqa: S105 (test accounts only)
_codes = count(1)


def make_org(name: str, kind: str, parent: Organization | None = None) -> Organization:
    return services.organization_create(
        actor=None, name=name, code=f"T{next(_codes):05d}", kind=kind, parent=parent
    )


def make_user(
    username: str,
    organization: Organization,
    role: str | None = None,
    scope: Organization | None = None,
    full_name: str = "",
    service_account: bool = False,
) -> User:
    user = services.user_create(
        actor=None,
        username=username,
        password=PASSWORD,
        organization=organization,
        full_name=full_name or username,
        email=f"{username}@example.org",
        is_service_account=service_account,
    )
    if role:
        services.role_assign(actor=None, user=user, role=role, organization=scope or organization)
    return user


@dataclass
class Personas:
    bureau: Organization
    education: Organization
    health: Organization
    unit_a: Organization
    unit_b: Organization
    company: Organization
    company_dept: Organization
    finance_reviewer: User
    department_reviewer: User
    unit_a_operator: User
    unit_b_operator: User
    evaluator: User
    leader: User
    hr_officer: User
    employee: User
    system_admin: User
    security_admin: User
    audit_admin: User


def make_personas() -> Personas:
    bureau = make_org("测试县财政局", OrgKind.FINANCE_BUREAU)
    education = make_org("测试县教育局", OrgKind.SUPERVISING_DEPARTMENT, bureau)
    health = make_org("测试县卫生健康局", OrgKind.SUPERVISING_DEPARTMENT, bureau)
    unit_a = make_org("测试县第一中学", OrgKind.BUDGET_UNIT, education)
    unit_b = make_org("测试县人民医院", OrgKind.BUDGET_UNIT, health)
    company = make_org("测试公司", OrgKind.COMPANY)
    company_dept = make_org("测试公司生产部", OrgKind.DEPARTMENT, company)
    return Personas(
        bureau=bureau,
        education=education,
        health=health,
        unit_a=unit_a,
        unit_b=unit_b,
        company=company,
        company_dept=company_dept,
        finance_reviewer=make_user("finance", bureau, Role.FINANCE_REVIEWER),
        department_reviewer=make_user("edu_reviewer", education, Role.DEPARTMENT_REVIEWER),
        unit_a_operator=make_user("unit_a", unit_a, Role.UNIT_OPERATOR),
        unit_b_operator=make_user("unit_b", unit_b, Role.UNIT_OPERATOR),
        evaluator=make_user("evaluator", bureau, Role.EVALUATOR),
        leader=make_user("leader", bureau, Role.LEADER),
        hr_officer=make_user("hr", company, Role.HR_OFFICER),
        employee=make_user("employee", company_dept, Role.EMPLOYEE),
        system_admin=make_user("sysadmin", bureau, Role.SYSTEM_ADMIN),
        security_admin=make_user("secadmin", bureau, Role.SECURITY_ADMIN),
        audit_admin=make_user("auditadmin", bureau, Role.AUDIT_ADMIN),
    )
