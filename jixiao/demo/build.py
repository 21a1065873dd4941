"""Build the demo county (``jixiao demo``) through the same services the application uses,
so the demo also leaves its trace in the audit trail."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from jixiao.audit.context import acting
from jixiao.demo import (
    appraisal,
    budget,
    data,
    deadlines,
    evaluation,
    evaluation_results,
    government,
    interventions,
    monitoring,
    surveys,
)
from jixiao.indicators.standard import library_install, templates_install
from jixiao.orgs import services
from jixiao.orgs.models import Organization, OrgKind, Role, User

Progress = Callable[[str], None]
COMPANY_PEOPLE_ROLES = {Role.EMPLOYEE, Role.DEPARTMENT_HEAD}


@dataclass
class DemoResult:
    organizations: int = 0
    people: int = 0
    accounts: list[tuple[str, str, str, str]] = field(default_factory=list)


def is_empty() -> bool:
    return not Organization.objects.exists()


def build(progress: Progress | None = None) -> DemoResult:
    """Create the demo data in one transaction; the database must be empty."""
    step = progress or (lambda _msg: None)
    with transaction.atomic(), acting(source="demo"):
        builder = _Builder(step)
        builder.county()
        builder.company()
        builder.township()
        builder.accounts()
        step("标准指标模板")
        templates_install()
        library_install()
        step("项目绩效目标申报")
        budget.build(timezone.localdate().year + 1)
        step("截止日期")
        deadlines.build(
            timezone.localdate(), builder.by_name[data.BUREAU[0]], builder.by_name[data.COMPANY[0]]
        )
        today = timezone.localdate()
        step("预算执行监控")
        monitoring.build(today, builder.by_name)
        interventions.build(today, builder.by_name)
        step("绩效评价")
        evaluation.build(today, builder.by_name)
        step("评价结果应用")
        evaluation_results.build_results(today, builder.by_name)  # on the year's results, if any
        step("员工绩效考核")
        appraisal.build(today, builder.by_name)
        step("问卷调查")
        surveys.build(today, builder.by_name)
        step("政府绩效管理")
        government.build(today, builder.by_name)
        step("截止提醒")
        deadlines.send_reminders()
        return builder.result


class _Builder:
    def __init__(self, step: Progress) -> None:
        self.step = step
        self.result = DemoResult()
        self.by_name: dict[str, Organization] = {}
        self.roots: list[Organization] = []
        self.rng = random.Random(2026)  # noqa: S311 (names for demo data, not secrets)
        self.used_names: set[str] = {a[1] for a in data.DEMO_ACCOUNTS}
        # Company demo accounts are created as employees of their department.
        self.company_accounts: dict[str, list[tuple[str, str, str | None]]] = {}
        for username, full_name, role, org_name in data.DEMO_ACCOUNTS:
            if role in COMPANY_PEOPLE_ROLES:
                self.company_accounts.setdefault(org_name, []).append(
                    (username, full_name, data.DEMO_PASSWORD)
                )

    def org(self, name: str, code: str, kind: str, parent: Organization | None) -> Organization:
        org = services.organization_create(
            actor=None, name=name, code=code, kind=kind, parent=parent
        )
        self.by_name[name] = org
        if parent is None:
            self.roots.append(org)
        self.result.organizations += 1
        return org

    def county(self) -> None:
        bureau = self.org(*data.BUREAU, OrgKind.FINANCE_BUREAU, None)
        for name, code, units in data.DEPARTMENTS:
            self.step(name)
            dept = self.org(name, code, OrgKind.SUPERVISING_DEPARTMENT, bureau)
            for i, (unit_name, subs) in enumerate(units, start=1):
                unit = self.org(unit_name, f"{code}{i:03d}", OrgKind.BUDGET_UNIT, dept)
                for j, sub in enumerate(subs, start=1):
                    self.org(sub, f"{unit.code}{j:03d}", OrgKind.SUBORDINATE_UNIT, unit)

    def company(self) -> None:
        self.step(data.COMPANY[0])
        company = self.org(*data.COMPANY, OrgKind.COMPANY, None)
        number = 0
        for i, (dept_name, teams, headcount) in enumerate(data.COMPANY_DEPARTMENTS, start=1):
            dept = self.org(dept_name, f"{company.code}{i:03d}", OrgKind.DEPARTMENT, company)
            groups = [(dept, headcount)]
            for j, team in enumerate(teams, start=1):
                team_org = self.org(team, f"{dept.code}{j:03d}", OrgKind.TEAM, dept)
                groups.append((team_org, data.TEAM_HEADCOUNT))
            for org, size in groups:
                for _ in range(size):
                    number += 1
                    self.employee(org, number)

    def employee(self, org: Organization, number: int) -> User:
        """One of the company's people; the demo employee and department head are among them
        and can log in, the others are on file only."""
        demo = self.company_accounts.get(org.name, [])
        username, full_name, password = (
            demo.pop(0) if demo else (f"e{number:04d}", self.person_name(), None)
        )
        user = services.user_create(
            actor=None,
            username=username,
            password=password,
            organization=org,
            full_name=full_name,
            employee_number=f"CT{number:04d}",
        )
        services.role_assign(actor=None, user=user, role=Role.EMPLOYEE, organization=org)
        self.result.people += 1
        return user

    def person_name(self) -> str:
        while True:
            surname = self.rng.choice(data.SURNAMES)
            given_len = self.rng.choice([1, 2, 2])
            given = "".join(self.rng.choice(data.GIVEN) for _ in range(given_len))
            name = surname + given
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def township(self) -> None:
        self.step(data.TOWNSHIP[0])
        town = self.org(*data.TOWNSHIP, OrgKind.TOWNSHIP, None)
        for i, office in enumerate(data.TOWNSHIP_OFFICES, start=1):
            self.org(office, f"{town.code}{i:03d}", OrgKind.OFFICE, town)

    def accounts(self) -> None:
        self.step("演示账号")
        for username, full_name, role, org_name in data.DEMO_ACCOUNTS:
            scopes = self.roots if org_name == "*" else [self.by_name[org_name]]
            home = scopes[0]
            user = self._account(username, full_name, home, role)
            for scope in scopes:
                services.role_assign(actor=None, user=user, role=role, organization=scope)
            label = "、".join(s.name for s in scopes)
            self.result.accounts.append(
                (username, data.DEMO_PASSWORD, str(Role(role).label), label)
            )

    def _account(self, username: str, full_name: str, home: Organization, role: str) -> User:
        existing = User.objects.filter(username=username).first()
        if existing is not None:  # a company person created with the employees
            return existing
        return services.user_create(
            actor=None,
            username=username,
            password=data.DEMO_PASSWORD,
            organization=home,
            full_name=full_name,
        )
