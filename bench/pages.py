"""Benchmark of the busiest budget pages at province scale, on PostgreSQL.

    .venv/bin/python bench/pages.py            # 20 000 projects in the large year
    .venv/bin/python bench/pages.py --quick    # 2 000 projects

Needs PostgreSQL: ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/jixiao_bench_pages``;
created when missing, its schema rebuilt). The organisations of ``import_targets.py`` (a
bureau, 10 supervising departments, 50 units), then two years of declarations imported through
``import_workbook``: a small year of 200 projects (the baseline) and a large year of N; in both,
a third of the declarations are submitted to the finance bureau and a sixth approved (workflow
states set in SQL: the data, not the workflow, is what is measured here).

Each page is requested through Django's test client as the finance bureau's reviewer (the
widest scope), 7 times after one warm-up; the median time is reported with the number of SQL
queries and the size of the page, for the small and the large year. What should hold: a page of
the large year answers in at most 500 ms and at most 3 × its time for the small year (pages
that list are paginated, counts are done by the database); the query count does not grow with
the data. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import import_targets
import pgsupport

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jixiao_bench_pages"
SMALL = 200
SMALL_YEAR, LARGE_YEAR = 2041, 2042
RUNS = 7
MAX_MS = 500
MAX_RATIO = 3.0


def setup(projects: int) -> dict[str, Any]:
    url = pgsupport.database_url(DEFAULT_URL)
    pgsupport.prepare_database(url, keep=False)
    pgsupport.django_setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    import_targets.make_organisations()
    from jixiao.indicators.standard import templates_install

    templates_install()
    reviewer = make_reviewer()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for year, count in ((SMALL_YEAR, SMALL), (LARGE_YEAR, projects)):
            path = Path(tmp) / f"{year}.xlsx"
            import_targets.phase_generate(path, count)
            load(path, year)
    set_states()
    return {"reviewer": reviewer, "load_seconds": time.perf_counter() - started}


def make_reviewer() -> str:
    from jixiao.orgs import services
    from jixiao.orgs.models import Organization, OrgKind, Role

    bureau = Organization.objects.get(kind=OrgKind.FINANCE_BUREAU)
    user = services.user_create(
        actor=None, username="bench_finance", password=None, organization=bureau, full_name="财政"
    )
    services.role_assign(actor=None, user=user, role=Role.FINANCE_REVIEWER, organization=bureau)
    return user.username


def load(path: Path, year: int) -> None:
    from jixiao.budget.excel import import_workbook
    from jixiao.orgs.models import User

    actor = User.objects.get(username="bench_operator")
    import_workbook(actor=actor, file=path, fiscal_year=year)


def set_states() -> None:
    """A third of each year's cases submitted to the bureau, a sixth approved."""
    from django.db import connection

    from jixiao.orgs.models import Organization, OrgKind

    bureau = Organization.objects.get(kind=OrgKind.FINANCE_BUREAU).pk
    with connection.cursor() as cursor:
        # submitted: waiting at the finance level (index 1) of the target workflow
        cursor.execute(
            "UPDATE workflow_workflowcase SET state = 'submitted', current_level = 1, "
            "reviewing_organization_id = %s, submitted_at = now(), "
            "due_at = now() + interval '15 days' WHERE id %% 3 = 0 AND id %% 6 <> 0",
            [bureau],
        )
        cursor.execute(
            "UPDATE workflow_workflowcase SET state = 'approved', locked = true, "
            "decided_at = now() WHERE id %% 6 = 0",
            [],
        )
        cursor.execute("ANALYZE")


def pages(year: int) -> dict[str, str]:
    from jixiao.budget.models import Project

    project = Project.objects.filter(fiscal_year=year).order_by("pk").first()
    if project is None:
        raise RuntimeError(f"no projects in {year}")
    return {
        "home": "/",
        "project_list": f"/budget/projects/?year={year}",
        "project_list_submitted": f"/budget/projects/?year={year}&state=submitted",
        "project_search": f"/budget/projects/?year={year}&q=%E4%BE%9B%E6%B0%B4",
        "review_queue": f"/budget/review/?year={year}",
        "control_numbers": f"/budget/control-numbers/?year={year}",
        "project_detail": f"/budget/projects/{project.pk}/",
    }


def measure(client: Any, url: str) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return {
        "ms": round(statistics.median(times) * 1000, 1),
        "queries": len(queries.captured_queries),
        "kb": round(len(response.content) / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 000 projects")
    parser.add_argument("--projects", type=int, default=None)
    parser.add_argument("--keep-data", action="store_true", help="reuse the previous run's data")
    args = parser.parse_args(argv)
    projects = args.projects or (2_000 if args.quick else 20_000)
    if args.keep_data:
        pgsupport.django_setup(pgsupport.database_url(DEFAULT_URL))
        info = {"reviewer": "bench_finance", "load_seconds": 0.0}
        from jixiao.budget.models import Project

        projects = Project.objects.filter(fiscal_year=LARGE_YEAR).count()
    else:
        print(f"loading {SMALL} + {projects} projects …", file=sys.stderr)
        info = setup(projects)
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    from jixiao.orgs.models import User

    client.force_login(User.objects.get(username=info["reviewer"]))
    small, large = pages(SMALL_YEAR), pages(LARGE_YEAR)
    results: dict[str, Any] = {}
    print(f"{'page':28} {'small ms':>9} {'large ms':>9} {'ratio':>6} {'queries':>9} {'kB':>7}")
    for name in small:
        a, b = measure(client, small[name]), measure(client, large[name])
        ratio = round(b["ms"] / a["ms"], 2) if a["ms"] else None
        ok = b["ms"] <= MAX_MS and (ratio is None or ratio <= MAX_RATIO)
        results[name] = {"small": a, "large": b, "ratio": ratio, "ok": ok}
        queries = f"{a['queries']}/{b['queries']}"
        print(f"{name:28} {a['ms']:9} {b['ms']:9} {ratio!s:>6} {queries:>9} {b['kb']:7}")
    summary = {
        "bench": "pages",
        "projects": projects,
        "small_projects": SMALL,
        "load_seconds": round(info["load_seconds"], 1),
        "pages": {k: {"ms": v["large"]["ms"], "ratio": v["ratio"]} for k, v in results.items()},
        "worst_ms": max(v["large"]["ms"] for v in results.values()),
        "queries_flat": all(
            v["large"]["queries"] <= v["small"]["queries"] + 2 for v in results.values()
        ),
        "meets_targets": all(v["ok"] for v in results.values()),
        "peak_rss_mb": round(pgsupport.rss_mb(), 1),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
