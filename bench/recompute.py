"""Benchmark of the recompute after a rule change: 50 000 self-evaluations of 20 indicators.

    .venv/bin/python bench/recompute.py            # 50 000 self-evaluations × 20 indicators
    .venv/bin/python bench/recompute.py --quick    # 1 000 self-evaluations
    .venv/bin/python bench/recompute.py --keep-data   # reuse the data of the previous run

Needs PostgreSQL: ``DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/jixiao_bench_recompute``), created when missing, schema
rebuilt from the migrations unless ``--keep-data``.

Generation with ``COPY``: a finance bureau, 10 supervising departments, 200 budget units, then
N approved projects with one submitted self-evaluation each, of 20 indicators (14 ≥, 1 =,
3 ≤, 2 定性; 4.5 points each, plus budget execution 10; actual values spread from 50% to 140%
of target). A first recompute scores them under the year's rules (四舍五入, 2 decimals) —
the stored state a rule change starts from.

Timed (``seconds``): after the bureau changes the rules (one decimal rounded down, 优 from
85), ``results_recompute`` + ``recompute_job_run``: every table rescored by the engine, the
changed indicator rows, every table's total, grade and rule version written (COPY into a
temporary table and one UPDATE … FROM per batch), one history row per changed result.

``loop_per_s``: the per-object ORM loop a first implementation would write, on a sample
(rolled back): get the self-evaluation, its rows, score them with the same engine, ``save()``
each row and the table, ``create()`` its history row. ``ratio`` = set-based ÷ loop rate.

Targets: at most 60 s for 50 000, at least 10× the loop. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pgsupport

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jixiao_bench_recompute"
YEAR = 2031
DEPARTMENTS = 10
UNITS = 200
LOOP_SAMPLE = 200
TARGET_SECONDS = 60.0
TARGET_RATIO = 10.0
FULL = Decimal("4.5")

# (一级, 二级, name, rule, target, unit)
INDICATORS = [
    ("产出指标", "数量指标", "新建改造供水工程", "gte", Decimal(24), "处"),
    ("产出指标", "数量指标", "铺设供水管网", "gte", Decimal("36.5"), "公里"),
    ("产出指标", "数量指标", "新增受益人口", "gte", Decimal(36000), "人"),
    ("产出指标", "数量指标", "改造水厂", "gte", Decimal(3), "座"),
    ("产出指标", "数量指标", "安装净化设备", "gte", Decimal(12), "套"),
    ("产出指标", "质量指标", "工程验收合格率", "eq", Decimal(100), "%"),
    ("产出指标", "质量指标", "水质达标率", "gte", Decimal(95), "%"),
    ("产出指标", "质量指标", "管网漏损率", "lte", Decimal(12), "%"),
    ("产出指标", "时效指标", "工程完工时间", "lte", Decimal(11), "月"),
    ("产出指标", "时效指标", "资金拨付及时率", "gte", Decimal(100), "%"),
    ("产出指标", "成本指标", "单处工程平均造价", "lte", Decimal(50), "万元"),
    ("产出指标", "成本指标", "每公里管网造价", "gte", Decimal("18.75"), "万元"),
    ("效益指标", "社会效益指标", "农村自来水普及率", "gte", Decimal(92), "%"),
    ("效益指标", "社会效益指标", "集中供水率", "gte", Decimal(90), "%"),
    ("效益指标", "社会效益指标", "供水保证率", "gte", Decimal(95), "%"),
    ("效益指标", "社会效益指标", "群众饮水安全状况", "qualitative", None, ""),
    ("效益指标", "经济效益指标", "减少群众取水支出", "gte", Decimal(120), "万元"),
    ("效益指标", "可持续影响指标", "工程运行管护机制", "qualitative", None, ""),
    ("满意度指标", "服务对象满意度指标", "受益群众满意度", "gte", Decimal(90), "%"),
    ("满意度指标", "服务对象满意度指标", "村委会满意度", "gte", Decimal(90), "%"),
]
FACTORS = [Decimal(f) for f in ("0.5", "0.73", "0.88", "0.95", "1", "1", "1.07", "1.4")]


def database_url() -> str:
    return pgsupport.database_url(DEFAULT_URL)


def copy_objects(model: Any, objects: Iterable[Any]) -> int:
    """COPY unsaved instances (ids set) into the model's table, values as bulk_create has them."""
    from django.db import connection

    fields = list(model._meta.concrete_fields)
    q = connection.ops.quote_name
    columns = ", ".join(q(f.column) for f in fields)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {q(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objects:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
            count += 1
    return count


def reset_sequences(*models: Any) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608 (model tables)
                f" (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def make_organisations() -> tuple[Any, list[Any]]:
    from jixiao.orgs import services
    from jixiao.orgs.models import OrgKind

    bureau = services.organization_create(
        actor=None, name="基准县财政局", code="R000", kind=OrgKind.FINANCE_BUREAU
    )
    departments = [
        services.organization_create(
            actor=None,
            name=f"基准县第{d + 1}主管部门",
            code=f"R1{d:02d}",
            kind=OrgKind.SUPERVISING_DEPARTMENT,
            parent=bureau,
        )
        for d in range(DEPARTMENTS)
    ]
    units = [
        services.organization_create(
            actor=None,
            name=f"基准县第{u + 1}预算单位",
            code=f"R2{u:03d}",
            kind=OrgKind.BUDGET_UNIT,
            parent=departments[u % DEPARTMENTS],
        )
        for u in range(UNITS)
    ]
    return bureau, units


def generate(count: int) -> dict[str, float]:
    from django.db import transaction
    from django.utils import timezone

    from jixiao.budget.evaluation.models import ResultState, SelfEvaluation, SelfEvaluationItem
    from jixiao.budget.models import Project

    started = time.perf_counter()
    bureau, units = make_organisations()
    now = timezone.now()
    with transaction.atomic():
        copy_objects(Project, projects(count, units, now))
        copy_objects(
            SelfEvaluation,
            (
                SelfEvaluation(
                    pk=n,
                    project_id=n,
                    unit_id=units[n % UNITS].pk,
                    fiscal_year=YEAR,
                    state=ResultState.SUBMITTED,
                    budget_initial=budget_of(n),
                    budget_full_year=budget_of(n),
                    executed=budget_of(n) * FACTORS[n % len(FACTORS)] / Decimal("1.4"),
                    execution_full=Decimal(10),
                    total=Decimal(0),  # scored by the first recompute
                    created_at=now,
                    updated_at=now,
                )
                for n in range(1, count + 1)
            ),
        )
        copy_objects(SelfEvaluationItem, items(count))
        reset_sequences(Project, SelfEvaluation, SelfEvaluationItem)
    return {"generate_seconds": time.perf_counter() - started, "bureau_code": bureau.code}


def budget_of(number: int) -> Decimal:
    return Decimal(100 + number % 900) + Decimal("0.5")


def projects(count: int, units: list[Any], now: Any) -> Iterator[Any]:
    from jixiao.budget.models import Project

    for n in range(1, count + 1):
        unit = units[n % UNITS]
        yield Project(
            pk=n,
            kind="project",
            fiscal_year=YEAR,
            code=f"R{n:06d}",
            name=f"基准项目{n}",
            unit_id=unit.pk,
            department_id=unit.parent_id,
            function_code="21303",
            start_year=YEAR,
            end_year=YEAR,
            annual_total=budget_of(n),
            annual_fiscal=budget_of(n),
            approved_amount=budget_of(n),
            created_at=now,
            updated_at=now,
        )


def items(count: int) -> Iterator[Any]:
    from jixiao.budget.evaluation.models import SelfEvaluationItem

    pk = 0
    for n in range(1, count + 1):
        for position, (level1, level2, name, rule, target, unit) in enumerate(INDICATORS, 1):
            pk += 1
            factor = FACTORS[(n + position) % len(FACTORS)]
            qualitative = rule == "qualitative"
            yield SelfEvaluationItem(
                pk=pk,
                self_evaluation_id=n,
                position=position,
                level1=level1,
                level2=level2,
                name=name,
                kind="qualitative" if qualitative else "quantitative",
                rule=rule,
                target_value=target,
                target_text="明显改善" if qualitative else "",
                unit=unit,
                full_score=FULL,
                actual=None if qualitative else (target * factor).quantize(Decimal("0.01")),
                level="achieved" if qualitative else "",
                assessed_score=Decimal(4) if qualitative else None,
                source="monitoring",
                explanation="" if factor == 1 else "偏差原因已说明",
                flags=[],
            )


def set_rules(bureau: Any, **values: Any) -> None:
    from jixiao.budget.evaluation import services

    fields = {"excellent_min": Decimal(90), "good_min": Decimal(80), "fair_min": Decimal(60)}
    fields.update(values)
    services.evaluation_settings_set(actor=None, bureau=bureau, fiscal_year=YEAR, **fields)


def run_job(bureau: Any, reason: str) -> tuple[float, Any]:
    from jixiao.budget.evaluation import recompute

    started = time.perf_counter()
    job = recompute.results_recompute(actor=None, bureau=bureau, fiscal_year=YEAR, reason=reason)
    job = recompute.recompute_job_run(job=job)
    return time.perf_counter() - started, job


def time_loop(bureau: Any, sample: int) -> dict[str, float]:
    """The per-object ORM loop on ``sample`` self-evaluations, rolled back."""
    from django.db import transaction
    from django.utils import timezone

    from jixiao.budget.evaluation.models import ResultHistory, SelfEvaluation
    from jixiao.budget.evaluation.services import rules_for, score

    ids = list(
        SelfEvaluation.objects.filter(fiscal_year=YEAR)
        .order_by("pk")
        .values_list("pk", flat=True)[:sample]
    )
    started = time.perf_counter()
    with transaction.atomic():
        rules = rules_for(bureau, YEAR)
        for pk in ids:
            evaluation = SelfEvaluation.objects.get(pk=pk)
            rows = list(evaluation.items.order_by("position", "id"))
            outcome = score(evaluation, rows, rules)
            for row, result in zip(rows, outcome.items, strict=True):
                row.score, row.computed_score = result.score, result.computed
                row.explain, row.flags = result.explain, result.flags
                row.save(update_fields=["score", "computed_score", "explain", "flags"])
            old_total, old_grade = evaluation.total, evaluation.grade
            evaluation.total, evaluation.grade = outcome.total, outcome.grade
            evaluation.execution_score = outcome.execution_score
            evaluation.rule_version = rules.version
            evaluation.save(
                update_fields=["total", "grade", "execution_score", "rule_version", "updated_at"]
            )
            ResultHistory.objects.create(
                self_evaluation=evaluation,
                old_total=old_total,
                old_grade=old_grade,
                new_total=outcome.total,
                new_grade=outcome.grade,
                new_rule_version=rules.version,
                recorded_at=timezone.now(),
            )
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {"loop_objects": len(ids), "loop_seconds": seconds}


def vacuum() -> None:
    import psycopg

    with psycopg.connect(database_url(), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def existing(count: int) -> bool:
    from jixiao.budget.evaluation.models import SelfEvaluation

    return SelfEvaluation.objects.filter(fiscal_year=YEAR).count() == count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="绩效评价结果重新计分性能测试（PostgreSQL）")
    parser.add_argument("--count", type=int, default=50_000, help="自评表数（默认50000）")
    parser.add_argument("--quick", action="store_true", help="1000张自评表")
    parser.add_argument("--loop-sample", type=int, default=None, help="逐对象循环的样本数")
    parser.add_argument("--keep-data", action="store_true", help="沿用上次生成的数据")
    args = parser.parse_args(argv)
    count = 1000 if args.quick else args.count
    sample = min(args.loop_sample or (100 if args.quick else LOOP_SAMPLE), count)
    url = database_url()
    pgsupport.prepare_database(url, keep=args.keep_data)
    pgsupport.django_setup(url)
    from django.core.management import call_command

    from jixiao.orgs.models import Organization

    call_command("migrate", verbosity=0, interactive=False)
    figures: dict[str, Any] = {}
    if not (args.keep_data and existing(count)):
        if args.keep_data:
            from django.db import connection

            connection.close()
            pgsupport.prepare_database(url, keep=False)
            call_command("migrate", verbosity=0, interactive=False)
        figures.update(generate(count))
    bureau = Organization.objects.get(code="R000")
    set_rules(bureau)  # 四舍五入，2 decimals (a new version when kept data was changed)
    vacuum()
    figures["first_seconds"], _ = run_job(bureau, "初次计分")
    vacuum()
    set_rules(bureau, excellent_min=Decimal(85), decimals=1, rounding="down")
    figures["seconds"], job = run_job(bureau, "改为保留1位小数、向下舍去，优秀线85分")
    figures["changed"] = job.changed
    figures["done"] = job.done
    figures.update(time_loop(bureau, sample))
    report(count, figures)
    return 0


def report(count: int, figures: dict[str, Any]) -> None:
    set_rate = figures["done"] / figures["seconds"]
    loop_rate = figures["loop_objects"] / figures["loop_seconds"]
    ratio = set_rate / loop_rate
    rows = count * len(INDICATORS)
    print(f"重新计分：{count} 张自评表 × {len(INDICATORS)} 个指标 = {rows} 行")
    if "generate_seconds" in figures:
        print(f"  {'生成数据（COPY）':<36}{figures['generate_seconds']:>10.2f} 秒")
    print(f"  {'初次计分（2位小数，四舍五入）':<36}{figures['first_seconds']:>10.2f} 秒")
    print(f"  {'规则调整后重新计分':<36}{figures['seconds']:>10.2f} 秒")
    print(f"  结果变化：{figures['changed']} 张（写入历史）")
    print(f"  集合计算：{set_rate:,.0f} 张/秒")
    print(
        f"  逐对象 ORM 循环（样本 {figures['loop_objects']} 张）：{loop_rate:,.1f} 张/秒，"
        f"全部约需 {count / loop_rate:,.0f} 秒"
    )
    print(f"  加速比：{ratio:,.1f} 倍（目标≥{TARGET_RATIO:.0f}倍，≤{TARGET_SECONDS:.0f}秒）")
    summary = {
        "bench": "recompute",
        "self_evaluations": count,
        "indicator_rows": rows,
        "seconds": round(figures["seconds"], 2),
        "first_seconds": round(figures["first_seconds"], 2),
        "changed": figures["changed"],
        "per_s": round(set_rate),
        "loop_objects": figures["loop_objects"],
        "loop_per_s": round(loop_rate, 1),
        "ratio": round(ratio, 1),
        "peak_rss_mb": round(pgsupport.rss_mb(), 1),
        "meets_time_target": figures["seconds"] <= TARGET_SECONDS,
        "meets_ratio_target": ratio >= TARGET_RATIO,
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
