"""Benchmark of the scoring engine: leaves per second, against a naive float baseline.

    .venv/bin/python bench/scoring.py [--quick] [--sheets N] [--repeat R]

Generates sheets of 20 leaves (mixed rules, fixed random seed), as ``json.loads`` with
``parse_float=Decimal`` would give them, and times on one core:

- parse        ``parse_sheet`` (validation into typed dataclasses)
- score        ``score_sheet`` on parsed sheets (explanations are built lazily, not here)
- parse+score  both, as ``jixiao score`` does minus reading and writing JSON
- explain      building every leaf's Chinese explanation of scored sheets
- to_json      the complete output text (explanations included) of scored sheets
- baseline     a naive float scoring of the same leaves (no validation, no rounding rules)

The last line printed is one JSON object with the figures. Does not need Django.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jixiao.indicators.scoring import parse_sheet, score_sheet

LEAVES_PER_SHEET = 20
SEED = 20250101
TARGET_LEAVES_PER_S = 200_000
# A budget execution leaf worth 10 and 18 indicator leaves worth 5 (adding up to 100), then one
# bonus item: 20 leaves.
FULLS = (10, *([5] * 18))
RULE_MIX = ("gte", "gte", "gte", "gte", "gte", "gte", "gte", "lte", "lte", "eq", "eq", "lte_ratio")
RULE_MIX += ("qualitative", "qualitative", "qualitative", "qualitative", "tiers", "tiers")
TIERS = [
    {"min": Decimal(90), "fraction": Decimal(1)},
    {"min": Decimal(80), "fraction": Decimal("0.85")},
    {"min": Decimal(60), "fraction": Decimal("0.6")},
    {"min": Decimal(0), "fraction": Decimal(0)},
]


def number(rng: random.Random, low: float, high: float, places: int = 2) -> Decimal:
    """A random decimal as JSON would give it."""
    return Decimal(f"{rng.uniform(low, high):.{places}f}")


def make_leaf(rng: random.Random, rule: str, full: int, index: int) -> dict[str, Any]:
    leaf: dict[str, Any] = {"name": f"指标{index}", "full": Decimal(full), "rule": rule}
    if rule in ("gte", "lte", "eq", "lte_ratio"):
        target = number(rng, 10, 1000)
        leaf.update(target=target, actual=number(rng, 0.5, 1.5) * target, unit="个")
        if rng.random() < 0.5:
            leaf["explanation"] = "原因说明"
    elif rule == "qualitative":
        leaf.update(level="achieved", score=number(rng, 0.8 * full, full, 1))
    elif rule == "tiers":
        leaf.update(value=number(rng, 0, 100, 0), tiers=TIERS)
    if rng.random() < 0.03:
        leaf["applicable"] = False
    elif rng.random() < 0.03:
        leaf["adjustment"] = {"score": Decimal(full) - 1, "reason": "佐证材料不足"}
    return leaf


def make_sheet(rng: random.Random, serial: int) -> dict[str, Any]:
    budget = number(rng, 100, 5000)
    leaves: list[dict[str, Any]] = [
        {
            "name": "预算执行率",
            "full": Decimal(FULLS[0]),
            "rule": "budget_execution",
            "budget": budget,
            "executed": number(rng, 0.6, 1.05) * budget,
        }
    ]
    rules = list(RULE_MIX)
    rng.shuffle(rules)
    leaves += [
        make_leaf(rng, rule, full, i)
        for i, (rule, full) in enumerate(zip(rules, FULLS[1:], strict=True), 1)
    ]
    extra = {
        "name": "加分",
        "rule": "bonus",
        "points": Decimal(1),
        "count": Decimal(rng.randint(0, 5)),
        "cap": Decimal(3),
    }
    groups = [
        {"name": f"一级指标{g}", "children": leaves[1 + g * 6 : 1 + (g + 1) * 6]} for g in range(3)
    ]
    return {
        "format": "jixiao-sheet/1",
        "title": f"评分表{serial}",
        "items": [leaves[0], *groups, extra],
    }


def make_sheets(count: int) -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    return [make_sheet(rng, n) for n in range(count)]


# --- the naive baseline -----------------------------------------------------------------------


def naive_leaf(leaf: dict[str, Any]) -> float:
    """Float arithmetic, no validation, no flags, no explanation: the floor of the cost."""
    rule, w = leaf["rule"], float(leaf.get("full") or 0)
    if rule == "budget_execution":
        return min(float(leaf["executed"]) / float(leaf["budget"]), 1.0) * w
    if rule in ("gte", "lte", "eq", "lte_ratio"):
        t, a = float(leaf["target"]), float(leaf["actual"])
        if rule == "gte":
            return w if a >= t else a / t * w
        if rule == "lte":
            return w if a <= t else (0.0 if a >= 2 * t else (1 - (a - t) / t) * w)
        if rule == "eq":
            return max(0.0, 1 - abs(a - t) / t) * w
        return w if a <= t else t / a * w
    if rule == "qualitative":
        return float(leaf["score"])
    if rule == "tiers":
        value = float(leaf["value"])
        return next(
            (float(t["fraction"]) * w for t in leaf["tiers"] if value >= float(t["min"])), 0.0
        )
    return min(float(leaf["points"]) * float(leaf["count"]), float(leaf.get("cap") or 1e18))


def naive_sheet(doc: dict[str, Any]) -> float:
    total = 0.0
    stack = list(doc["items"])
    while stack:
        node = stack.pop()
        if "children" in node:
            stack.extend(node["children"])
        elif node.get("applicable", True):
            total += round(naive_leaf(node), 2)
    return total


# --- timing -----------------------------------------------------------------------------------


def best_time(run: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds of this process's CPU time.

    CPU time rather than wall-clock time, so that other processes on a shared machine weigh less;
    the garbage collector is paused during a run, as ``timeit`` does.
    """
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
        gc.enable()
    return min(times)


def measure(docs: Sequence[dict[str, Any]], repeat: int) -> dict[str, float]:
    """Leaves per second of each stage."""
    sheets = [parse_sheet(doc) for doc in docs]
    leaves = sum(len(sheet.leaves) for sheet in sheets)

    def explain_all() -> None:
        for result in [score_sheet(sheet) for sheet in sheets]:
            for item in result.items:
                item.explain  # noqa: B018

    def score_all() -> None:
        for sheet in sheets:
            score_sheet(sheet)

    score_time = best_time(score_all, repeat)
    timings = {
        "parse": best_time(lambda: [parse_sheet(doc) for doc in docs], repeat),
        "score": score_time,
        "parse_score": best_time(lambda: [score_sheet(parse_sheet(doc)) for doc in docs], repeat),
        "explain": best_time(explain_all, repeat) - score_time,
        "to_json": best_time(lambda: [score_sheet(sheet).to_json() for sheet in sheets], repeat)
        - score_time,
        "baseline_float": best_time(lambda: [naive_sheet(doc) for doc in docs], repeat),
    }
    return {stage: leaves / seconds for stage, seconds in timings.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="评分引擎性能测试（每张表20个末级指标）")
    parser.add_argument("--quick", action="store_true", help="小规模，几秒内完成")
    parser.add_argument(
        "--sheets", type=int, default=None, help="评分表数量（默认10000，--quick 为500）"
    )
    parser.add_argument(
        "--repeat", type=int, default=None, help="重复次数，取最快一次（默认5，--quick 为3）"
    )
    args = parser.parse_args(argv)
    count = args.sheets or (500 if args.quick else 10_000)
    repeat = args.repeat or (3 if args.quick else 5)
    docs = make_sheets(count)
    rates = measure(docs, repeat)
    leaves = count * LEAVES_PER_SHEET
    print(f"评分表 {count} 张 × {LEAVES_PER_SHEET} 个末级指标 = {leaves} 个")
    print(f"单核 CPU 时间，每项取 {repeat} 次中最快一次（单位：末级指标/秒）")
    labels = {
        "parse": "解析校验 parse_sheet",
        "score": "计分 score_sheet（说明延迟生成）",
        "parse_score": "解析+计分（jixiao score 去掉 JSON 读写）",
        "explain": "生成中文说明（另计）",
        "to_json": "输出 JSON 文本（含说明，另计）",
        "baseline_float": "基线：朴素浮点计分（无校验）",
    }
    for stage, label in labels.items():
        print(f"  {label:<36}{rates[stage]:>12,.0f} 个/秒")
    summary = {
        "bench": "scoring",
        "leaves": leaves,
        "leaves_per_s": round(rates["parse_score"]),
        "score_only_leaves_per_s": round(rates["score"]),
        "parse_only_leaves_per_s": round(rates["parse"]),
        "explain_leaves_per_s": round(rates["explain"]),
        "to_json_leaves_per_s": round(rates["to_json"]),
        "baseline_float_leaves_per_s": round(rates["baseline_float"]),
        "target_leaves_per_s": TARGET_LEAVES_PER_S,
        "score_only_meets_target": rates["score"] >= TARGET_LEAVES_PER_S,
        "parse_score_meets_target": rates["parse_score"] >= TARGET_LEAVES_PER_S,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
