"""The scoring engine of Jixiao: pure Python, no Django, decimal arithmetic.

    sheet = parse_sheet(data)          # a decoded ``jixiao-sheet/1`` document → Sheet
    result = score_sheet(sheet)        # → SheetResult (total, grade, items with explanations)
    result.to_json()                   # the output of ``jixiao score``

``parse_sheet`` raises ``SheetError`` whose ``messages`` are Chinese and name the item's path.
Provinces add their own rules with ``register_rule``.
"""

from .audit import AuditResult, Deviation, audit_sheet
from .engine import LeafResult, SheetResult, score_leaf, score_sheet
from .fields import FieldReader
from .model import DEFAULT_GRADES, Adjustment, Grade, Leaf, Options, Rule, Sheet
from .rules import register_rule, registered_rules, unregister_rule
from .sheet import FORMAT, SheetError, parse_sheet

__all__ = [
    "DEFAULT_GRADES",
    "FORMAT",
    "Adjustment",
    "AuditResult",
    "Deviation",
    "FieldReader",
    "Grade",
    "Leaf",
    "LeafResult",
    "Options",
    "Rule",
    "Sheet",
    "SheetError",
    "SheetResult",
    "audit_sheet",
    "parse_sheet",
    "register_rule",
    "registered_rules",
    "score_leaf",
    "score_sheet",
    "unregister_rule",
]
