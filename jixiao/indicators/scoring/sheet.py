"""Parsing and validating ``jixiao-sheet/1`` documents into typed ``Sheet`` objects.

``parse_sheet`` reads a decoded JSON document (numbers as ``Decimal``, ``int`` or ``float``) and
either returns a ``Sheet`` or raises ``SheetError`` listing every problem found, each message in
Chinese and naming the item's path.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .fields import MSG_MISSING, FieldReader, clip, is_clean_text, located, show
from .model import (
    DEFAULT_BANDS,
    DEFAULT_DECIMALS,
    DEFAULT_GRADES,
    DEFAULT_ROUNDING,
    DEFAULT_SCALE,
    Adjustment,
    Grade,
    Leaf,
    Options,
    Params,
    Rule,
    Sheet,
    make_options,
)
from .numbers import (
    MAX_DECIMALS,
    ONE,
    PLAIN_HIGH,
    PLAIN_LOW,
    ROUNDING_MODES,
    ZERO,
    engine_context,
    plain,
    to_decimal,
)
from .rules import registry_dict

FORMAT = "jixiao-sheet/1"
#: Deeper trees are refused (indicator systems have three or four levels).
MAX_DEPTH = 32
#: At most this many messages are reported; the rest are counted.
MAX_ERRORS = 50

MSG_NOT_OBJECT = "评分表应为 JSON 对象，实际为{got}"
MSG_FORMAT = "字段 format 应为“jixiao-sheet/1”，实际为{got}"
MSG_ITEMS = "字段 items 应为非空列表（指标列表），实际为{got}"
MSG_SCALE = "字段 scale（满分）应大于0，实际为{got}"
MSG_DECIMALS = "字段 decimals 应为0到4之间的整数，实际为{got}"
MSG_ROUNDING = "字段 rounding 应为“half_up”（四舍五入）或“down”（向下舍去），实际为{got}"
MSG_BANDS = "字段 qualitative_bands 应为两个数 [h, l]，且 0 < l < h ≤ 1，实际为{got}"
MSG_GRADES = "字段 grades 应为非空列表，实际为{got}"
MSG_GRADE_NOT_OBJECT = '字段 grades[{n}] 应为对象 {{"code": …, "label": …, "min": …}}，实际为{got}'
MSG_GRADE_BLANK = "字段 {field} 不能为空"
MSG_GRADE_DUPLICATE = "grades 中有重复的{what}：{value}"
MSG_GRADE_NO_ZERO = "grades 中最低一档的 min 应为0，否则部分总分无法定级"
MSG_NODE_NOT_OBJECT = "应为对象（分组或指标），实际为{got}"
MSG_NAME_BLANK = "字段 name 不能为空"
MSG_GROUP_AND_RULE = "同时有 children 和 rule：分组不能有计分规则，指标不能有子项"
MSG_NEITHER = "既没有 children 也没有 rule（分组须有 children，末级指标须有 rule）"
MSG_CHILDREN = "字段 children 应为非空列表，实际为{got}"
MSG_TOO_DEEP = "层级过深（超过{depth}层）"
MSG_UNKNOWN_RULE = "未知的计分规则“{rule}”，可用的规则：{known}"
MSG_RULE_NOT_TEXT = "字段 rule 应为计分规则名称（文字），实际为{got}"
MSG_RULE_FIELDS = "计分规则“{rule}”的字段无效"
MSG_FULL_NOT_ALLOWED = "{label}在满分之外计分，不应有字段 full（上限请用 cap）"
MSG_FULL_PRECISION = "分值{full}的小数位数多于得分保留的位数（decimals 为{decimals}）"
MSG_ADJUSTMENT = '字段 adjustment 应为对象 {{"score": …, "reason": "…"}}，实际为{got}'
MSG_ADJUSTMENT_NO_REASON = "调整得分须说明理由（adjustment.reason 不能为空）"
MSG_ADJUSTMENT_RANGE = "调整得分{score}应在0到{what}{upper}之间"
MSG_ADJUSTMENT_NOT_APPLICABLE = "不适用（applicable: false）的指标不能调整得分"
MSG_FULL_SUM = "各末级指标分值合计为{total}，应等于满分{scale}"
MSG_NO_SCORED = "没有计分指标（只有加分、扣分项），无法计分"
MSG_ALL_LEFT_OUT = "所有指标均不适用（applicable: false），无法计分"
MSG_RESCALE = "剔除不适用指标后的分值为{rest}，无法折算到满分{scale}"
MSG_MORE_ERRORS = "……另有{count}个问题未列出"

_NO_PARAMS: Params = {}
_DEFAULTS = (DEFAULT_SCALE, DEFAULT_DECIMALS, DEFAULT_ROUNDING, DEFAULT_BANDS, DEFAULT_GRADES)
_DEFAULT_OPTIONS = make_options()


class SheetError(ValueError):
    """A sheet that cannot be scored; ``messages`` are Chinese, each naming where and what."""

    def __init__(self, messages: list[str]) -> None:
        if len(messages) > MAX_ERRORS:
            extra = len(messages) - MAX_ERRORS
            messages = [*messages[:MAX_ERRORS], MSG_MORE_ERRORS.format(count=extra)]
        self.messages = messages
        super().__init__("\n".join(messages))


def parse_sheet(
    data: object, *, audit: bool = False, rules: Mapping[str, Rule] | None = None
) -> Sheet:
    """Validate a decoded ``jixiao-sheet/1`` document and return it typed.

    With ``audit=True`` leaf full scores that do not add up to the scale are allowed (the audit
    reports them). ``rules`` defaults to the registry of ``rules.register_rule``.
    """
    with engine_context():
        return _SheetReader(registry_dict() if rules is None else dict(rules), audit).read(data)


class _SheetReader:
    """One pass over a document, collecting the leaves and every problem."""

    def __init__(self, rules: dict[str, Rule], audit: bool) -> None:
        self.rules = rules
        self.audit = audit
        self.errors: list[str] = []
        self.leaves: list[Leaf] = []
        self.options = _DEFAULT_OPTIONS
        self.reader = FieldReader({}, (), self.errors)

    def read(self, data: object) -> Sheet:
        if not isinstance(data, dict):
            raise SheetError([located((), MSG_NOT_OBJECT.format(got=show(data)))])
        top = FieldReader(data, (), self.errors)
        self._check_format(top)
        title = top.text("title") or ""
        self.options = self._read_options(top)
        published_total = top.number("published_total", required=False)
        self._read_items(top)
        full_sum = self._check_leaves() if not self.errors else ZERO
        if self.errors:
            raise SheetError(self.errors)
        return Sheet(title, self.options, tuple(self.leaves), full_sum, published_total)

    def _check_format(self, top: FieldReader) -> None:
        value = top.node.get("format")
        if value is None:
            top.fail(MSG_MISSING.format(field="format"))
        elif value != FORMAT:
            top.fail(MSG_FORMAT.format(got=show(value)))

    # --- options ------------------------------------------------------------------------------

    def _read_options(self, top: FieldReader) -> Options:
        scale = self._read_scale(top)
        decimals = self._read_decimals(top)
        rounding = self._read_rounding(top)
        bands = self._read_bands(top)
        grades = self._read_grades(top)
        if (scale, decimals, rounding, bands, grades) == _DEFAULTS:
            return _DEFAULT_OPTIONS  # the common case, without hashing the grades
        return make_options(scale, decimals, rounding, bands, grades)

    def _read_scale(self, top: FieldReader) -> Decimal:
        if top.node.get("scale") is None:
            return DEFAULT_SCALE
        scale = top.number("scale", negative=True)
        if scale is not None and scale <= 0:
            top.fail(MSG_SCALE.format(got=plain(scale)))
        return scale if scale is not None and scale > 0 else DEFAULT_SCALE

    def _read_decimals(self, top: FieldReader) -> int:
        value = top.node.get("decimals")
        if value is None:
            return DEFAULT_DECIMALS
        number = to_decimal(value)
        if number is None or not number.is_finite() or number != number.to_integral_value():
            top.fail(MSG_DECIMALS.format(got=show(value)))
            return DEFAULT_DECIMALS
        if not 0 <= number <= MAX_DECIMALS:
            top.fail(MSG_DECIMALS.format(got=show(value)))
            return DEFAULT_DECIMALS
        return int(number)

    def _read_rounding(self, top: FieldReader) -> str:
        value = top.node.get("rounding")
        if value is None:
            return DEFAULT_ROUNDING
        if type(value) is not str or value not in ROUNDING_MODES:
            top.fail(MSG_ROUNDING.format(got=show(value)))
            return DEFAULT_ROUNDING
        return value

    def _read_bands(self, top: FieldReader) -> tuple[Decimal, Decimal]:
        value = top.node.get("qualitative_bands")
        if value is None:
            return DEFAULT_BANDS
        pair = [to_decimal(item) for item in value] if isinstance(value, list) else []
        if len(pair) == 2 and None not in pair:
            high, low = pair
            if high.is_finite() and low.is_finite() and 0 < low < high <= ONE:  # type: ignore[union-attr,operator]
                return high, low  # type: ignore[return-value]
        top.fail(MSG_BANDS.format(got=_show_list(value)))
        return DEFAULT_BANDS

    def _read_grades(self, top: FieldReader) -> tuple[Grade, ...]:
        value = top.node.get("grades")
        if value is None:
            return DEFAULT_GRADES
        if not isinstance(value, list) or not value:
            top.fail(MSG_GRADES.format(got=show(value)))
            return DEFAULT_GRADES
        errors = len(self.errors)
        grades = [self._read_grade(top, n, item) for n, item in enumerate(value, 1)]
        if len(self.errors) == errors:
            self._check_grades(top, grades)  # type: ignore[arg-type]
        return tuple(grades) if len(self.errors) == errors else DEFAULT_GRADES  # type: ignore[arg-type]

    def _read_grade(self, top: FieldReader, n: int, item: Any) -> Grade | None:
        if not isinstance(item, dict):
            top.fail(MSG_GRADE_NOT_OBJECT.format(n=n, got=show(item)))
            return None
        reader = FieldReader(item, (), self.errors, f"grades[{n}].")
        code = reader.text("code", required=True)
        label = reader.text("label", required=True)
        low = reader.number("min")
        for field, text in (("code", code), ("label", label)):
            if text is not None and not text.strip():
                reader.fail(MSG_GRADE_BLANK.format(field=f"grades[{n}].{field}"))
        if code is None or label is None or low is None:
            return None
        return Grade(code.strip(), label.strip(), low)

    def _check_grades(self, top: FieldReader, grades: list[Grade]) -> None:
        codes = [grade.code for grade in grades]
        mins = [grade.min for grade in grades]
        for what, values in (("code", codes), ("min", mins)):
            repeated = [value for value in values if values.count(value) > 1]
            if repeated:
                top.fail(MSG_GRADE_DUPLICATE.format(what=what, value=show(repeated[0])))
        if min(mins) != 0:
            top.fail(MSG_GRADE_NO_ZERO)

    # --- the tree -----------------------------------------------------------------------------

    def _read_items(self, top: FieldReader) -> None:
        items = top.node.get("items")
        if not isinstance(items, list) or not items:
            top.fail(MSG_ITEMS.format(got=show(items)))
            return
        self._read_nodes(items, (), 1)

    def _read_nodes(self, nodes: list[Any], parent: tuple[str, ...], depth: int) -> None:
        for index, node in enumerate(nodes, 1):
            self._read_node(node, parent, index, depth)

    def _read_node(self, node: Any, parent: tuple[str, ...], index: int, depth: int) -> None:
        if type(node) is not dict:
            path = (*parent, f"第{index}项")
            self.errors.append(located(path, MSG_NODE_NOT_OBJECT.format(got=show(node))))
            return
        name = node.get("name")
        if type(name) is str and (name := name.strip()) and is_clean_text(name):
            path = (*parent, name)
        else:
            path = self._unnamed(node, parent, index)
        if node.get("children") is not None:
            self._read_group(node, path, depth)
        elif node.get("rule") is not None:
            self._read_leaf(node, path)
        else:
            self.errors.append(located(path, MSG_NEITHER))

    def _unnamed(
        self, node: dict[str, Any], parent: tuple[str, ...], index: int
    ) -> tuple[str, ...]:
        """The path of a node without a usable name (an error): named by its position."""
        path = (*parent, f"第{index}项")
        reader = FieldReader(node, path, self.errors)
        name = reader.text("name", required=True)
        if name is not None:
            reader.fail(MSG_NAME_BLANK)
        return path

    def _read_group(self, node: dict[str, Any], path: tuple[str, ...], depth: int) -> None:
        children = node["children"]
        if node.get("rule") is not None:
            self.errors.append(located(path, MSG_GROUP_AND_RULE))
        elif type(children) is not list or not children:
            self.errors.append(located(path, MSG_CHILDREN.format(got=show(children))))
        elif depth >= MAX_DEPTH:
            self.errors.append(located(path, MSG_TOO_DEEP.format(depth=MAX_DEPTH)))
        else:
            self._read_nodes(children, path, depth + 1)

    def _read_leaf(self, node: dict[str, Any], path: tuple[str, ...]) -> None:
        errors = len(self.errors)
        reader = self.reader  # reused: building one per leaf is measurably slower
        reader.node = node
        reader.path = path
        name = node["rule"]
        rule = self.rules.get(name) if type(name) is str else None
        if rule is None:
            self._bad_rule(reader, name)
            return
        applicable = node.get("applicable", True)
        if applicable is not True:
            applicable = reader.flag("applicable", True)
        full = node.get("full")
        if rule.kind != "scored":
            full = self._no_full(reader, rule)
        elif not (type(full) is Decimal and full.is_finite() and PLAIN_LOW <= full < PLAIN_HIGH):
            full = reader.number("full")  # not the common case: check it field by field
        if full is not None and full != full.quantize(self.options.quantum):
            self._too_precise(reader, full)
        explanation = "" if node.get("explanation") is None else self._explanation(reader)
        published = None
        if node.get("published_score") is not None:
            published = reader.number("published_score")
        params = rule.read(reader, full, self.options) if applicable else _NO_PARAMS
        if params is None and len(self.errors) == errors:
            reader.fail(MSG_RULE_FIELDS.format(rule=rule.name))
        adjustment = None
        if node.get("adjustment") is not None:
            adjustment = self._read_adjustment(reader, full, params, applicable)
        if len(self.errors) > errors or params is None:
            return
        leaf = Leaf(path, rule, full, params, applicable, explanation, adjustment, published)
        self.leaves.append(leaf)

    def _bad_rule(self, reader: FieldReader, name: object) -> None:
        if type(name) is not str:
            reader.fail(MSG_RULE_NOT_TEXT.format(got=show(name)))
        else:
            known = "、".join(self.rules)
            reader.fail(MSG_UNKNOWN_RULE.format(rule=clip(name), known=known))

    def _no_full(self, reader: FieldReader, rule: Rule) -> None:
        """Bonus and penalty items are outside the scale: a ``full`` is a mistake."""
        if reader.node.get("full") is not None:
            reader.fail(MSG_FULL_NOT_ALLOWED.format(label=rule.label))

    def _too_precise(self, reader: FieldReader, full: Decimal) -> None:
        """A full score the rounding cannot represent: a leaf at full would score more or less."""
        decimals = self.options.decimals
        reader.fail(MSG_FULL_PRECISION.format(full=plain(full), decimals=decimals))

    def _explanation(self, reader: FieldReader) -> str:
        return (reader.text("explanation") or "").strip()

    def _read_adjustment(
        self,
        reader: FieldReader,
        full: Decimal | None,
        params: Params | None,
        applicable: bool,
    ) -> Adjustment | None:
        value = reader.node["adjustment"]
        if not isinstance(value, dict):
            reader.fail(MSG_ADJUSTMENT.format(got=show(value)))
            return None
        if not applicable:
            reader.fail(MSG_ADJUSTMENT_NOT_APPLICABLE)
            return None
        return self._read_adjustment_fields(reader, value, full, params)

    def _read_adjustment_fields(
        self,
        reader: FieldReader,
        value: dict[str, Any],
        full: Decimal | None,
        params: Params | None,
    ) -> Adjustment | None:
        inner = FieldReader(value, reader.path, self.errors, "adjustment.")
        score = inner.number("score")
        reason = inner.text("reason")
        if value.get("reason") is None or (reason is not None and not reason.strip()):
            reader.fail(MSG_ADJUSTMENT_NO_REASON)
        upper, what = (full, "满分") if full is not None else (_cap(params), "上限")
        if score is not None and upper is not None and score > upper:
            text = MSG_ADJUSTMENT_RANGE.format(score=plain(score), what=what, upper=plain(upper))
            reader.fail(text)
            return None
        if score is None or reason is None or not reason.strip():
            return None
        return Adjustment(score, reason.strip())

    # --- sheet-wide checks --------------------------------------------------------------------

    def _check_leaves(self) -> Decimal:
        """The leaves' full sum, after checking it, and that something is left to score."""
        full_sum = left_out = ZERO
        scored = applicable = 0
        for leaf in self.leaves:
            if leaf.rule.kind == "scored":
                scored += 1
                full_sum += leaf.full  # type: ignore[operator]
                if leaf.applicable:
                    applicable += 1
                else:
                    left_out += leaf.full  # type: ignore[operator]
        scale = self.options.scale
        if not scored:
            self._fail_sheet(MSG_NO_SCORED)
        elif not applicable:
            self._fail_sheet(MSG_ALL_LEFT_OUT)
        elif left_out and scale - left_out <= 0:
            self._fail_sheet(MSG_RESCALE.format(rest=plain(scale - left_out), scale=plain(scale)))
        if scored and full_sum != scale and not self.audit:
            self._fail_sheet(MSG_FULL_SUM.format(total=plain(full_sum), scale=plain(scale)))
        return full_sum

    def _fail_sheet(self, problem: str) -> None:
        self.errors.append(located((), problem))


def _cap(params: Params | None) -> Decimal | None:
    return None if params is None else params.get("cap")


def _show_list(value: object) -> str:
    if isinstance(value, list) and len(value) <= 4:
        return "[" + ", ".join(show(item) for item in value) + "]"
    return show(value)
