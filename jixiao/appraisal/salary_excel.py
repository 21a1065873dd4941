"""Salary bases (工资基数) in and out of Excel: one list-shaped sheet 工资基数, one row per
employee of the company's departments (the people the salary-bases page lists).

Columns mirror :class:`~jixiao.appraisal.models.PayProfile`, which holds one figure per
employee, the monthly salary base: 工号/用户名 · 姓名 · 部门 · 月工资基数（元）. 姓名 and 部门 are
there to read (姓名, when filled in, must match the person, so a mistyped 工号 is caught);
the performance-pay share is the company's setting (绩效工资占比, on the settings page), not a
per-employee figure, and the base has no effective month: a month's pay uses the base in force
when it is computed.

:func:`pay_profiles_import` is all or nothing: it reads the whole sheet, checks every row
(an employee the office does not cover — unknown, left, or of another company, told apart
nowhere so that existence does not leak —, a name that does not match, a duplicate, not a
number, the service's rule that a base is not negative) and lists every error by sheet, row
and column. Only then does it write, through ``services.pay_profile_set`` (permission check,
validation and audit row each) in one transaction. Rows whose base is blank or unchanged write
nothing, so importing the same workbook twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from jixiao.appraisal import errors as appraisal_errors
from jixiao.appraisal import permissions as p
from jixiao.appraisal import queries, services
from jixiao.appraisal.models import MONEY, PayProfile
from jixiao.documents.excel import (
    Column,
    ImportErrors,
    Layout,
    Number,
    SheetData,
    Table,
    Text,
    export_workbook,
    read_workbook,
)
from jixiao.documents.language import in_official_language, official_text
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import DomainError
from jixiao.orgs.models import Organization, User

SHEET = "工资基数"

# --- Messages (Chinese, defined once; tests assert them) -------------------------------------

EMPLOYEE_NOT_COVERED = "“{key}”不是本单位各部门的在职员工，或不在您的管理范围内"
EMPLOYEE_TWICE = "员工“{key}”与第{row}行重复"
NAME_MISMATCH = "“{key}”的姓名应为“{want}”，实际为“{got}”"

SALARY_BASES = Layout(
    title="工资基数",
    table=Table(
        header_row=2,
        columns=(
            Column(
                "key",
                "工号/用户名",
                Text(max_length=150),
                required=True,
                aliases=("工号", "用户名"),
                width=14,
            ),
            Column("name", "姓名", Text(max_length=150), optional=True, width=12),
            Column("department", "部门", Text(), optional=True, width=20),
            Column(
                "salary_base",
                "月工资基数（元）",
                Number(max_digits=MONEY["max_digits"], places=MONEY["decimal_places"]),
                aliases=("工资基数（元）", "月工资基数", "工资基数"),
                width=16,
            ),
        ),
    ),
)


@dataclass(frozen=True)
class Employee:
    user: User
    department: Organization

    @property
    def key(self) -> str:
        return self.user.employee_number or self.user.username


@dataclass
class ImportResult:
    created: int = 0  # a base set for someone who had none
    updated: int = 0
    unchanged: int = 0
    blank: int = 0  # rows without a base: left as they are

    @property
    def written(self) -> int:
        return self.created + self.updated


# --- Who ----------------------------------------------------------------------------------


def company_for(actor: User) -> Organization | None:
    """The company whose salary bases ``actor`` keeps, as the salary-bases page chooses it."""
    return queries.managed_companies(actor).first()


def employees(company: Organization) -> list[Employee]:
    """The active people of the company's departments, each with the innermost department it
    is in, in department and 工号 order (the page's rosters, in one query)."""
    departments = sorted(services.departments_of(company), key=lambda d: -len(d.path))
    people = User.objects.filter(
        organization__path__startswith=company.path, is_active=True, is_service_account=False
    ).select_related("organization")
    found = []
    for person in people:
        path = person.organization.path
        department = next((d for d in departments if path.startswith(d.path)), None)
        if department is not None:
            found.append(Employee(person, department))
    found.sort(key=lambda e: (e.department.path, e.user.employee_number, e.user.pk))
    return found


def bases_of(people: Iterable[Employee]) -> dict[int, Decimal]:
    """The current base of each of ``people`` who has one, by user id (one query)."""
    ids = [e.user.pk for e in people]
    rows = PayProfile.objects.filter(employee_id__in=ids).values_list("employee_id", "salary_base")
    return dict(rows)


# --- Export ----------------------------------------------------------------------------------


@in_official_language
def export_salary_bases(company: Organization) -> bytes:
    """Every employee with their current base (blank when none): the template to fill in."""
    people = employees(company)
    bases = bases_of(people)
    rows = [
        {
            "key": e.key,
            "name": e.user.display_name,
            "department": e.department.name,
            "salary_base": bases.get(e.user.pk),
        }
        for e in people
    ]
    return export_workbook(SALARY_BASES, [SheetData(name=SHEET, rows=rows)])


# --- Import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    index: int
    employee: Employee
    salary_base: Decimal


def _lookup(people: list[Employee]) -> dict[str, Employee]:
    """Employees by 工号 and by username; a 工号 wins over someone else's username."""
    found = {e.user.username: e for e in people}
    found.update({e.user.employee_number: e for e in people if e.user.employee_number})
    return found


def _check(sheet: SheetData, errors: ImportErrors, people: list[Employee]) -> list[_Change]:
    lookup = _lookup(people)
    seen: dict[int, int] = {}  # user id → index of its first row
    changes = []
    for index, row in enumerate(sheet.rows):
        key = row["key"]
        employee = lookup.get(key)
        if employee is None:
            sheet.error(errors, EMPLOYEE_NOT_COVERED.format(key=key), row=index, key="key")
            continue
        if employee.user.pk in seen:
            first = sheet.row_numbers[seen[employee.user.pk]]
            sheet.error(errors, EMPLOYEE_TWICE.format(key=key, row=first), row=index, key="key")
            continue
        seen[employee.user.pk] = index
        name = (row.get("name") or "").strip()
        if name and name != employee.user.display_name:
            message = NAME_MISMATCH.format(key=key, want=employee.user.display_name, got=name)
            sheet.error(errors, message, row=index, key="name")
        base = row.get("salary_base")
        if base is not None and base < 0:
            message = official_text(appraisal_errors.SALARY_NEGATIVE)
            sheet.error(errors, message, row=index, key="salary_base")
            continue
        if base is not None:
            changes.append(_Change(index, employee, base))
    return changes


def _read(upload: Any, errors: ImportErrors) -> SheetData | None:
    if hasattr(upload, "seek"):
        upload.seek(0)
    sheets = read_workbook(upload, SALARY_BASES, sheets=[SHEET], errors=errors)
    return sheets[0] if sheets else None


@transaction.atomic
def pay_profiles_import(*, actor: User | None, company: Organization, upload: Any) -> ImportResult:
    """Set the bases of a workbook like :func:`export_salary_bases` writes, all or nothing;
    raises ``ImportRefused`` listing every error (nothing written)."""
    perms.require(actor, p.MANAGE, company)
    errors = ImportErrors()
    sheet = _read(upload, errors) or SheetData(name=SHEET)  # no sheet: an error already
    people = employees(company)
    changes = _check(sheet, errors, people)
    errors.raise_if_any()
    result, refused = bases_write(
        actor=actor, changes=[(c.employee, c.salary_base) for c in changes]
    )
    for position, message in refused:  # a refusal of the service, located; all rolled back
        sheet.error(errors, message, row=changes[position].index, key="salary_base")
    errors.raise_if_any()
    result.blank = len(sheet.rows) - len(changes)
    return result


def bases_write(
    *, actor: User | None, changes: list[tuple[Employee, Decimal]]
) -> tuple[ImportResult, list[tuple[int, str]]]:
    """Set each changed base through ``services.pay_profile_set`` (its checks, its audit row);
    a base equal to the current one writes nothing. Returns the counts and the service's
    refusals as (position in ``changes``, message), for the caller to locate and roll back.
    Shared by the workbook import and the API's batch."""
    result = ImportResult()
    current = bases_of(employee for employee, _base in changes)
    refused = []
    for position, (employee, base) in enumerate(changes):
        old = current.get(employee.user.pk)
        if old == base:
            result.unchanged += 1
            continue
        try:
            services.pay_profile_set(actor=actor, employee=employee.user, salary_base=base)
        except DomainError as exc:
            refused.append((position, exc.message))
            continue
        if old is None:
            result.created += 1
        else:
            result.updated += 1
    return result, refused
