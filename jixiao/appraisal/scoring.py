"""The department head's score of a scored item, as a rule of the scoring engine.

``rated``: the rater gives ``score`` in [0, full]; the engine rounds, totals, adds bonus and
penalty items and grades, so every employee's total explains itself like any other sheet.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.indicators.scoring import Leaf, Options, Rule, register_rule, registered_rules
from jixiao.indicators.scoring.fields import FieldReader
from jixiao.indicators.scoring.model import Params
from jixiao.indicators.scoring.numbers import plain

RULE = "rated"
MSG_ABOVE_FULL = "评分{score}超过满分{full}"


def read_rated(reader: FieldReader, full: Decimal | None, options: Options) -> Params | None:
    score = reader.number("score")
    if score is None or full is None:
        return None
    if score > full:
        reader.fail(MSG_ABOVE_FULL.format(score=plain(score), full=plain(full)))
        return None
    return {"score": score}


def score_rated(p: Params, w: Decimal | None) -> Decimal:
    return p["score"]  # type: ignore[no-any-return]


def explain_rated(leaf: Leaf, raw: Decimal, score: Decimal, options: Options) -> str:
    return f"部门评分{plain(score)}分（满分{plain(leaf.full or Decimal(0))}分）"


def install() -> None:
    if RULE not in registered_rules():
        register_rule(Rule(RULE, "部门评分", read_rated, score_rated, explain_rated))
