"""Benchmark of the budget import: target declarations from Excel into PostgreSQL.

    .venv/bin/python bench/import_targets.py            # 5 000 projects, 100 000 indicator rows
    .venv/bin/python bench/import_targets.py --quick    # 200 projects, 4 000 rows

Needs PostgreSQL: ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/jixiao_bench``).
The database is created when missing and its schema rebuilt from the migrations on every run
(``--keep-schema`` skips that), then a finance bureau, 10 supervising departments, 50 budget
units and a bureau-wide unit operator are created through ``jixiao.orgs.services``.

It writes a workbook of one 项目支出绩效目标申报表 per project (20 indicators each) with the
exporter's layout (``jixiao.budget.excel.TARGET_DECLARATION``) and imports it as a person on
the import page would: ``import_workbook`` with every check (types, units in scope, function
codes, indicator levels, funds, codes, locked declarations) and the bulk writes, each phase in
its own process so that its peak resident memory is its own:

| phase | what is timed |
| --- | --- |
| `import` | ``import_workbook`` on the whole workbook (new projects of a fresh year) |
| `import_half` | the same on a workbook half the size: memory should not follow the file |
| `import_traced` | the whole workbook again under ``tracemalloc`` (Python peak; slower) |
| `import_half_traced` | the half workbook under ``tracemalloc`` |
| `naive` | openpyxl cell by cell, the per-record services (one ORM save per row), on a sample |

The naive path is what a first implementation would do: ``project_create`` per sheet and one
``target_indicator_add`` (an ORM save and its audit row) per indicator row.

Rows are indicator rows. Targets: ≥ 20 000 rows/s, ≥ 10× the naive path, and a peak memory
that does not grow with the file. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pgsupport

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jixiao_bench"
INDICATORS = 20
UNITS = 50
DEPARTMENTS = 10
NAIVE_PROJECTS = 200
FIRST_YEAR = 2031  # the phases import into years of their own, so each creates new projects

# (一级, 二级, 三级, 指标性质, 指标值, 度量单位, 分值): 20 rows, 90 points, as units fill them in.
ROWS = [
    ("产出指标", "数量指标", "新建改造供水工程", "gte", Decimal(24), "处", Decimal(8)),
    ("产出指标", "数量指标", "铺设供水管网", "gte", Decimal("36.5"), "公里", Decimal(6)),
    ("产出指标", "数量指标", "新增受益人口", "gte", Decimal(36000), "人", Decimal(6)),
    ("产出指标", "数量指标", "改造水厂", "gte", Decimal(3), "座", Decimal(4)),
    ("产出指标", "数量指标", "安装净化设备", "gte", Decimal(12), "套", Decimal(4)),
    ("产出指标", "质量指标", "工程验收合格率", "eq", Decimal(100), "%", Decimal(6)),
    ("产出指标", "质量指标", "水质达标率", "gte", Decimal(95), "%", Decimal(5)),
    ("产出指标", "质量指标", "管网漏损率", "lte", Decimal(12), "%", Decimal(4)),
    ("产出指标", "时效指标", "工程完工时间", "lte", Decimal(11), "月", Decimal(4)),
    ("产出指标", "时效指标", "资金拨付及时率", "gte", Decimal(100), "%", Decimal(3)),
    ("产出指标", "成本指标", "单处工程平均造价", "lte", Decimal(50), "万元", Decimal(5)),
    ("产出指标", "成本指标", "每公里管网造价", "lte", Decimal("18.75"), "万元", Decimal(5)),
    ("效益指标", "社会效益指标", "农村自来水普及率", "gte", Decimal(92), "%", Decimal(6)),
    ("效益指标", "社会效益指标", "集中供水率", "gte", Decimal(90), "%", Decimal(4)),
    ("效益指标", "社会效益指标", "供水保证率", "gte", Decimal(95), "%", Decimal(4)),
    ("效益指标", "社会效益指标", "群众饮水安全状况", "qualitative", "明显改善", None, Decimal(4)),
    ("效益指标", "经济效益指标", "减少群众取水支出", "gte", Decimal(120), "万元", Decimal(2)),
    ("效益指标", "可持续影响指标", "工程设计使用年限", "gte", Decimal(20), "年", Decimal(2)),
    ("满意度指标", "服务对象满意度指标", "受益群众满意度", "gte", Decimal(90), "%", Decimal(4)),
    ("满意度指标", "服务对象满意度指标", "村委会满意度", "gte", Decimal(90), "%", Decimal(4)),
]
FUNCTION_CODES = ["21303", "21301", "20502", "21004", "21401", "21103", "20802", "21201"]


def process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def postgres_cpu_reader() -> Any:
    """A function giving the CPU seconds of this connection's PostgreSQL backend (None when
    the server is not on this machine): with two cores, the import is bound by the sum of
    Python's and PostgreSQL's CPU time."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    stat = Path(f"/proc/{pid}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def read() -> float | None:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / tick

    return read


def database_url() -> str:
    return pgsupport.database_url(DEFAULT_URL)


def django_setup() -> None:
    pgsupport.django_setup(database_url())


# --- Phases ------------------------------------------------------------------------------------


def phase_setup(keep_schema: bool) -> dict[str, Any]:
    """Create the database if missing, rebuild the schema, create the organisations."""
    pgsupport.prepare_database(database_url(), keep=keep_schema)
    django_setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter() - started
    operator = make_organisations()
    from jixiao.indicators.standard import templates_install

    templates_install()  # as any deployment has them once a first project was declared
    return {"migrate_seconds": migrated, "operator": operator}


def make_organisations() -> str:
    from jixiao.orgs import services
    from jixiao.orgs.models import Organization, OrgKind, Role, User

    if User.objects.filter(username="bench_operator").exists():
        return "bench_operator"
    bureau = services.organization_create(
        actor=None, name="基准县财政局", code="B000", kind=OrgKind.FINANCE_BUREAU
    )
    departments = [
        services.organization_create(
            actor=None,
            name=f"基准县第{d + 1}主管部门",
            code=f"B1{d:02d}",
            kind=OrgKind.SUPERVISING_DEPARTMENT,
            parent=bureau,
        )
        for d in range(DEPARTMENTS)
    ]
    for u in range(UNITS):
        services.organization_create(
            actor=None,
            name=unit_name(u),
            code=f"B2{u:03d}",
            kind=OrgKind.BUDGET_UNIT,
            parent=departments[u % DEPARTMENTS],
        )
    operator = services.user_create(
        actor=None,
        username="bench_operator",
        password=None,
        organization=bureau,
        full_name="基准测试填报员",
    )
    services.role_assign(actor=None, user=operator, role=Role.UNIT_OPERATOR, organization=bureau)
    if Organization.objects.filter(kind=OrgKind.BUDGET_UNIT).count() != UNITS:
        raise RuntimeError("the benchmark expects a fresh schema (run without --keep-schema)")
    return operator.username


def unit_name(number: int) -> str:
    return f"基准县第{number + 1}预算单位"


def declaration(number: int) -> Any:
    """Project ``number``'s declaration. 预算年度 is left blank (optional on the form), so the
    same workbook imports into each phase's year."""
    from jixiao.documents.excel import SheetData

    year = FIRST_YEAR

    unit = number % UNITS
    department = unit % DEPARTMENTS
    fiscal = Decimal(1000 + number % 997) + Decimal("0.25")
    carryover, other = Decimal("50.5"), Decimal(number % 13)
    rows = [
        {
            "level1": l1,
            "level2": l2,
            "name": name,
            "direction": nature,
            "target": target,
            "unit": measure,
            "full_score": full,
            "basis": ("plan", "historical", "sector")[i % 3],
            "previous": None if nature == "qualitative" else str(target),
        }
        for i, (l1, l2, name, nature, target, measure, full) in enumerate(ROWS)
    ]
    return SheetData(
        name=f"XM{number:05d}",
        fields={
            "fiscal_year": None,
            "name": f"{unit_name(unit)}农村饮水安全巩固提升项目{number}",
            "code": f"XM{number:05d}",
            "department": f"基准县第{department + 1}主管部门（B1{department:02d}）",
            "unit": unit_name(unit),
            "is_new": number % 3 == 0,
            "term": (year, year + number % 3),
            "function_code": FUNCTION_CODES[number % len(FUNCTION_CODES)],
            "manager": "张明",
            "manager_phone": "0371-6512345",
            "is_major_policy": False,
            "annual_total": fiscal + carryover + other,
            "annual_fiscal": fiscal,
            "annual_carryover": carryover,
            "annual_other": other,
            "midterm_total": Decimal(3600),
            "midterm_fiscal": Decimal(3000),
            "midterm_other": Decimal(600),
            "annual_goal": "新建改造供水工程24处，巩固提升3.6万农村人口饮水安全。",
            "midterm_goal": "三年内实现农村自来水普及率92%以上。",
        },
        rows=rows,
    )


def phase_generate(path: Path, projects: int) -> dict[str, Any]:
    django_setup()
    from jixiao.budget.excel import TARGET_DECLARATION
    from jixiao.documents.excel import WorkbookWriter

    started = time.perf_counter()
    with WorkbookWriter(path) as writer:
        for number in range(projects):
            writer.add_data(TARGET_DECLARATION, declaration(number))
    return {"seconds": time.perf_counter() - started, "mb": path.stat().st_size / 2**20}


def phase_import(path: Path, year: int, trace: bool) -> dict[str, Any]:
    django_setup()
    from jixiao.budget.excel import import_workbook
    from jixiao.orgs.models import User

    actor = User.objects.get(username="bench_operator")
    backend = postgres_cpu_reader()
    if trace:
        tracemalloc.start()
    cpu, server = process_cpu(), backend()
    started = time.perf_counter()
    result = import_workbook(actor=actor, file=path, fiscal_year=year)
    seconds = time.perf_counter() - started
    server_after = backend()
    figures = {
        "seconds": seconds,
        "projects": result.created,
        "rows": result.indicators,
        "python_cpu_s": process_cpu() - cpu,
        "postgres_cpu_s": round(server_after - server, 2) if server_after is not None else None,
    }
    if trace:
        figures["python_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    return figures


def phase_naive(path: Path, projects: int, year: int) -> dict[str, Any]:
    """A first implementation: openpyxl in its ordinary mode, cells read one by one by their
    address, and the per-record services — one ``project_create`` per sheet and one
    ``target_indicator_add`` (an ORM save and its audit row) per indicator row."""
    phase_generate(path, projects)
    import openpyxl
    from django.db import transaction

    from jixiao.budget import services
    from jixiao.orgs.models import Organization, User

    actor = User.objects.get(username="bench_operator")
    started = time.perf_counter()
    book = openpyxl.load_workbook(path, data_only=True)
    rows = 0
    with transaction.atomic():
        for ws in book.worksheets:
            rows += naive_sheet(ws, actor, year, services, Organization)
    return {"seconds": time.perf_counter() - started, "rows": rows, "projects": projects}


def naive_sheet(ws: Any, actor: Any, year: int, services: Any, organization: Any) -> int:
    def cell(ref: str) -> Any:
        return ws[ref].value

    start, _, end = str(cell("E5")).partition("-")
    unit = organization.objects.get(name=cell("H4"))
    project = services.project_create(
        actor=actor,
        unit=unit,
        fiscal_year=year,
        code=cell("H3"),
        name=cell("B3"),
        function_code=str(cell("H5")).split()[0],
        start_year=int(start),
        end_year=int(end or start),
        is_new=cell("B5") == "新增项目",
        annual_total=Decimal(str(cell("H7"))),
        annual_fiscal=Decimal(str(cell("H8"))),
        annual_carryover=Decimal(str(cell("H9"))),
        annual_other=Decimal(str(cell("H10"))),
        annual_goal=cell("F12") or "",
    )
    groups = {(g.parent.name, g.name): g for g in project.annual_tree.indicators.filter(level=2)}
    natures = {"≥": "gte", "≤": "lte", "＝": "eq", "定性": "qualitative"}
    level1 = level2 = None
    count = 0
    for r in range(15, ws.max_row + 1):
        values = [ws.cell(r, c).value for c in range(1, 11)]
        if values[2] is None or str(values[0] or "").startswith("单位"):
            continue
        level1, level2 = values[0] or level1, values[1] or level2
        nature = natures[values[3]]
        qualitative = nature == "qualitative"
        services.target_indicator_add(
            actor=actor,
            project=project,
            parent=groups[(level1, level2)],
            name=values[2],
            kind="qualitative" if qualitative else "quantitative",
            direction="" if qualitative else nature,
            target_value=None if qualitative else Decimal(str(values[4])),
            target_text=str(values[4]) if qualitative else "",
            unit=values[5] or "",
            full_score=Decimal(str(values[6])),
        )
        count += 1
    return count


# --- Running -------------------------------------------------------------------------------------


def run_phase(args: list[str]) -> dict[str, Any]:
    """Run one phase in a fresh process; its last output line is its JSON result."""
    command = [sys.executable, __file__, "--phase", *args]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    return json.loads(output.strip().splitlines()[-1])


def single_phase(phase: list[str]) -> int:
    name, *rest = phase
    if name == "setup":
        result = phase_setup(keep_schema=rest == ["keep"])
    elif name == "generate":
        result = phase_generate(Path(rest[0]), int(rest[1]))
    elif name == "import":
        result = phase_import(Path(rest[0]), int(rest[1]), trace=len(rest) > 2)
    else:
        result = phase_naive(Path(rest[0]), int(rest[1]), int(rest[2]))
    result["rss_mb"] = pgsupport.rss_mb()
    print(json.dumps(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--projects", type=int, default=5000)
    parser.add_argument("--quick", action="store_true", help="200 projects")
    parser.add_argument("--naive-projects", type=int, default=NAIVE_PROJECTS)
    parser.add_argument("--keep-schema", action="store_true", help="do not rebuild the schema")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the whole import, the best counts"
    )
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        return single_phase(args.phase)
    projects = 200 if args.quick else args.projects
    naive = min(args.naive_projects, 50 if args.quick else args.naive_projects)
    half = max(projects // 2, 1)
    repeat = 1 if args.quick else max(args.repeat, 1)
    years = iter(range(FIRST_YEAR, FIRST_YEAR + 10 + repeat))
    results: dict[str, dict[str, Any]] = {}
    results["setup"] = run_phase(["setup", *(["keep"] if args.keep_schema else [])])
    with tempfile.TemporaryDirectory() as tmp:
        full, small = Path(tmp) / "full.xlsx", Path(tmp) / "half.xlsx"
        results["generate"] = run_phase(["generate", str(full), str(projects)])
        run_phase(["generate", str(small), str(half)])
        runs = [run_phase(["import", str(full), str(next(years))]) for _ in range(repeat)]
        results["import"] = min(runs, key=lambda run: run["seconds"])
        results["import"]["all_seconds"] = [round(run["seconds"], 2) for run in runs]
        results["import_half"] = run_phase(["import", str(small), str(next(years))])
        results["import_traced"] = run_phase(["import", str(full), str(next(years)), "trace"])
        results["import_half_traced"] = run_phase(["import", str(small), str(next(years)), "trace"])
        naive_path = str(Path(tmp) / "naive.xlsx")
        results["naive"] = run_phase(["naive", naive_path, str(naive), str(next(years))])
    report(results, projects)
    return 0


def report(results: dict[str, dict[str, Any]], projects: int) -> None:
    def per_s(phase: str) -> float:
        return results[phase]["rows"] / results[phase]["seconds"]

    rows_per_s = per_s("import")
    naive_per_s = per_s("naive")
    figures = {
        "bench": "import_targets",
        "projects": projects,
        "indicator_rows": results["import"]["rows"],
        "workbook_mb": round(results["generate"]["mb"], 2),
        "import_seconds": round(results["import"]["seconds"], 2),
        "import_runs_seconds": results["import"]["all_seconds"],
        "import_python_cpu_s": round(results["import"]["python_cpu_s"], 2),
        "import_postgres_cpu_s": results["import"].get("postgres_cpu_s"),
        "rows_per_s": round(rows_per_s),
        "half_rows_per_s": round(per_s("import_half")),
        "naive_rows_per_s": round(naive_per_s),
        "naive_projects": results["naive"]["projects"],
        "ratio": round(rows_per_s / naive_per_s, 1),
        "peak_rss_mb": round(results["import"]["rss_mb"], 1),
        "half_peak_rss_mb": round(results["import_half"]["rss_mb"], 1),
        "python_peak_mb": round(results["import_traced"]["python_peak_mb"], 2),
        "half_python_peak_mb": round(results["import_half_traced"]["python_peak_mb"], 2),
        "naive_rss_mb": round(results["naive"]["rss_mb"], 1),
    }
    figures["meets_rows_per_s"] = figures["rows_per_s"] >= 20_000
    figures["meets_ratio"] = figures["ratio"] >= 10
    figures["memory_flat"] = figures["python_peak_mb"] <= 1.5 * figures["half_python_peak_mb"] + 2
    for key, value in figures.items():
        print(f"{key:24} {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    sys.exit(main())
