"""Benchmark of a month of employee appraisal (EMP, issue 7).

    .venv/bin/python bench/appraisal_month.py            # 10 000 employees in 100 departments
    .venv/bin/python bench/appraisal_month.py --quick    # 1 000 employees in 20 departments

Needs PostgreSQL: ``DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/jixiao_bench_appraisal``); the database is created when
missing and its schema rebuilt from the migrations.

Generation (not timed): a company, its departments, the employees (bulk), their salary bases,
the 《规定》 and each department's final rule set (four scored items and a bonus item), an
office account; the month is opened through ``appraisal_month_open`` (timed as ``open_s``),
and one filled scoring-grid workbook per department is written with the layout the export uses.

Timed (``seconds`` is the sum of what the issue names — import, pay, tables; target at most
30 s):

- ``import_s``: every department's workbook through ``appraisal_scores_import`` (validated all
  or nothing, each employee scored by the engine);
- ``pay_s``: ``appraisal_pay_compute`` on the whole month;
- ``tables_s``: the department statistics table of every department, the reconciliation and the
  table exported to Excel.

Also timed, outside ``seconds``: ``review_s``, every department submitted and approved through
the workflow services one by one as the office would (each approval computes that department's
pay), which the pay computation needs first; it grows with the number of departments, not of
employees.

The last line printed is one JSON object, with the peak RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pgsupport

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jixiao_bench_appraisal"
TARGET_SECONDS = 30.0
YEAR, MONTH = 2031, 3
SCORED = [("工作任务完成", 40), ("工作质量", 30), ("协作配合", 15), ("工作纪律", 15)]


def generate(employees: int, departments: int) -> Any:
    from jixiao.appraisal import services
    from jixiao.appraisal.models import ItemKind, PayProfile, RuleSetKind, RuleSetStatus
    from jixiao.appraisal.services import ItemSpec
    from jixiao.orgs import services as org_services
    from jixiao.orgs.models import OrgKind, Role, User

    d = Decimal
    company = org_services.organization_create(
        actor=None, name="基准测试集团", code="BENCH", kind=OrgKind.COMPANY
    )
    hr = org_services.user_create(
        actor=None, username="bench_hr", password=None, organization=company, full_name="绩效办"
    )
    org_services.role_assign(actor=None, user=hr, role=Role.HR_OFFICER, organization=company)
    general = services.rule_set_create(
        actor=None,
        organization=company,
        kind=RuleSetKind.GENERAL,
        name="绩效考核管理规定",
        items=[ItemSpec(ItemKind.PENALTY, "迟到早退", points=d(1), cap=d(5))],
    )
    services.rule_set_set_status(actor=None, rule_set=general, status=RuleSetStatus.FINAL)
    per_department = employees // departments
    rng = random.Random(7)
    number = 0
    for i in range(departments):
        dept = org_services.organization_create(
            actor=None,
            name=f"第{i + 1:03d}部门",
            code=f"BENCH{i + 1:03d}",
            kind=OrgKind.DEPARTMENT,
            parent=company,
        )
        rule_set = services.rule_set_create(
            actor=None,
            organization=dept,
            name=f"{dept.name}考核细则",
            items=[ItemSpec(ItemKind.SCORED, n, full_score=d(f)) for n, f in SCORED]
            + [ItemSpec(ItemKind.BONUS, "超额完成任务", points=d(2), cap=d(4))],
        )
        services.rule_set_set_status(actor=None, rule_set=rule_set, status=RuleSetStatus.FINAL)
        people = []
        for _ in range(per_department):
            number += 1
            people.append(
                User(
                    username=f"b{number:05d}",
                    full_name=f"员工{number:05d}",
                    employee_number=f"B{number:05d}",
                    organization=dept,
                    password="!",  # noqa: S106 (unusable)
                )
            )
        User.objects.bulk_create(people, batch_size=2000)
    PayProfile.objects.bulk_create(
        (
            PayProfile(employee=u, salary_base=d(rng.randrange(4000, 12000, 100)))
            for u in User.objects.filter(organization__parent=company)
        ),
        batch_size=2000,
    )
    return company, hr


def workbooks(month: Any) -> list[tuple[Any, bytes]]:
    from jixiao.appraisal import excel
    from jixiao.appraisal.models import DepartmentSheet, EmployeeScore
    from jixiao.appraisal.services import sheet_items
    from jixiao.documents.excel import SheetData, export_workbook

    rng = random.Random(11)
    result = []
    for sheet in DepartmentSheet.objects.filter(month=month).select_related("department", "month"):
        items = sheet_items(sheet).scored
        rows = []
        for score in EmployeeScore.objects.filter(sheet=sheet).select_related("employee"):
            row: dict[str, Any] = {"number": score.employee.employee_number, "name": "x"}
            for item in items:
                share = Decimal(rng.randrange(55, 101)) / 100
                row[f"i{item.pk}"] = (item.full_score * share).quantize(Decimal("0.5"))
            rows.append(row)
        data = SheetData(
            name="评分",
            fields={"department": sheet.department.name, "period": sheet.month.label},
            rows=rows,
        )
        result.append((sheet, export_workbook(excel.grid_layout(sheet), [data])))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 000 employees in 20 departments")
    parser.add_argument("--employees", type=int, default=None)
    parser.add_argument("--departments", type=int, default=None)
    args = parser.parse_args(argv)
    employees = args.employees or (1000 if args.quick else 10000)
    departments = args.departments or (20 if args.quick else 100)
    url = pgsupport.database_url(DEFAULT_URL)
    pgsupport.prepare_database(url, keep=False)
    pgsupport.django_setup(url)

    from io import BytesIO

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from jixiao.appraisal import excel, queries, services
    from jixiao.appraisal.models import DepartmentSheet, PayResult

    started = time.perf_counter()
    company, hr = generate(employees, departments)
    generate_s = time.perf_counter() - started
    t = time.perf_counter()
    month = services.appraisal_month_open(actor=hr, organization=company, year=YEAR, month=MONTH)
    open_s = time.perf_counter() - t
    books = workbooks(month)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    t = time.perf_counter()
    imported = sum(
        services.appraisal_scores_import(actor=None, sheet=sheet, upload=BytesIO(data))
        for sheet, data in books
    )
    import_s = time.perf_counter() - t

    t = time.perf_counter()
    for sheet, _data in books:
        services.appraisal_sheet_submit(actor=None, sheet=sheet)
        services.appraisal_sheet_approve(actor=hr, sheet=sheet)
    review_s = time.perf_counter() - t

    t = time.perf_counter()
    paid = services.appraisal_pay_compute(actor=hr, month=month)
    pay_s = time.perf_counter() - t

    t = time.perf_counter()
    rows = queries.department_rows(month, DepartmentSheet.objects.all())
    reconciliation = queries.reconciliation(month, rows)
    table = excel.export_statistics(month, rows)
    tables_s = time.perf_counter() - t

    seconds = import_s + pay_s + tables_s
    checks = {
        "every employee imported": imported == employees,
        "every employee paid": paid == employees,
        "pay rows": PayResult.objects.filter(month=month).count() == employees,
        "employees = departments": (
            reconciliation.employees_total == reconciliation.departments_total
        ),
    }
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        raise RuntimeError(f"benchmark results do not check: {failed}")
    result = {
        "database": connection.vendor,
        "employees": employees,
        "departments": len(rows),
        "generate_s": round(generate_s, 2),
        "open_s": round(open_s, 2),
        "import_s": round(import_s, 2),
        "review_s": round(review_s, 2),
        "pay_s": round(pay_s, 2),
        "tables_s": round(tables_s, 2),
        "seconds": round(seconds, 2),
        "statistics_xlsx_bytes": len(table),
        "pay_total": str(reconciliation.employees_total),
        "peak_rss_mb": round(pgsupport.rss_mb(), 1),
        "meets_target": seconds <= TARGET_SECONDS,
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
