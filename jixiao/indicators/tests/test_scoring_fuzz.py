"""Random and malformed input through ``jixiao score``: exit 0 or 2, never a traceback."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.indicators.scoring.cli import main

EXAMPLES = Path(__file__).parent / "examples"
SHEETS = [
    json.loads(path.read_text("utf-8"))
    for path in sorted(EXAMPLES.glob("*.json"))
    if not path.name.endswith(".expected.json")
]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
FUZZ = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

_workdir = tempfile.TemporaryDirectory(prefix="jixiao-fuzz-")


def run_bytes(data: bytes, *options: str) -> tuple[int, str, str, bool]:
    """``main`` on a file holding ``data``: exit code, standard output and error, table?"""
    path = Path(_workdir.name) / "sheet.json"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*options, str(path)])
    return code, out.getvalue(), err.getvalue(), "--table" in options


def check(code: int, out: str, err: str, table: bool = False) -> None:
    """The contract of ``jixiao score`` for any input."""
    assert code in (0, 2)
    out.encode("utf-8")  # printable as UTF-8: no lone surrogates
    err.encode("utf-8")
    if code == 2:
        assert out == ""
        assert err.strip() and CHINESE.search(err)
        assert "Traceback" not in err and "内部错误" not in err, err
    else:
        assert err == ""
        if table:
            assert "总分" in out
            return
        result = json.loads(out)
        assert isinstance(result["total"], int | float) and result["total"] >= 0
        assert len(result["items"]) >= 1


def run_value(value: Any, *options: str) -> tuple[int, str, str, bool]:
    text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    return run_bytes(text.encode("utf-8", "surrogatepass"), *options)


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(
        ["gte", "lte", "eq", "tiers", "bonus", "achieved", "jixiao-sheet/1", "\ud800"]
    )
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["format", "items", "name", "children", "rule", "full", "target", "actual"]
            )
            | st.text(max_size=6),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)
options = st.sampled_from([(), ("--audit",), ("--table",), ("--audit", "--table")])


@FUZZ
@given(json_values, options)
def test_any_json_value(value: Any, flags: tuple[str, ...]) -> None:
    check(*run_value(value, *flags))


@FUZZ
@given(json_values, options)
def test_any_json_value_as_items(value: Any, flags: tuple[str, ...]) -> None:
    check(*run_value({"format": "jixiao-sheet/1", "items": value}, *flags))


@FUZZ
@given(st.binary(max_size=200))
def test_any_bytes(data: bytes) -> None:
    check(*run_bytes(data))


def locations(value: Any, found: list[tuple[Any, Any]] | None = None) -> list[tuple[Any, Any]]:
    """Every (container, key) of a decoded document, for mutating one of them."""
    found = [] if found is None else found
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((value, key))
            locations(item, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((value, index))
            locations(item, found)
    return found


replacements = st.one_of(
    json_values,
    st.sampled_from(
        [
            "12",
            "abc",
            "",
            "  ",
            -1,
            0,
            10**400,
            1e308,
            -1e-308,
            float("nan"),
            float("inf"),
            float("-inf"),
            [],
            {},
            None,
            True,
            [[[[[[[[[[[]]]]]]]]]]],
            {"name": "嵌套", "children": [{"name": "x", "children": []}]},
        ]
    ),
)


@st.composite
def mutated_sheets(draw: st.DrawFn) -> Any:
    """An example sheet with one to three fields deleted or replaced."""
    document = copy.deepcopy(draw(st.sampled_from(SHEETS)))
    for _ in range(draw(st.integers(1, 3))):
        spots = locations(document)
        if not spots:
            break
        container, key = draw(st.sampled_from(spots))
        if draw(st.booleans()) and isinstance(container, dict):
            del container[key]
        else:
            container[key] = copy.deepcopy(draw(replacements))
    return document


@FUZZ
@given(mutated_sheets(), options)
def test_mutated_examples(document: Any, flags: tuple[str, ...]) -> None:
    check(*run_value(document, *flags))


def nested_children(depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {"name": "叶", "full": 100, "rule": "gte", "target": 1, "actual": 1}
    for level in range(depth):
        node = {"name": f"第{level}层", "children": [node]}
    return {"format": "jixiao-sheet/1", "items": [node]}


def deep_texts() -> Iterator[str]:
    yield "[" * 100_000 + "]" * 100_000
    yield '{"a":' * 50_000 + "1" + "}" * 50_000
    yield json.dumps(nested_children(200))
    yield json.dumps(nested_children(30))


@pytest.mark.parametrize(
    "text", list(deep_texts()), ids=["arrays", "objects", "tree-200", "tree-30"]
)
def test_deep_nesting(text: str) -> None:
    code, out, err, _ = run_bytes(text.encode("utf-8"))
    check(code, out, err)


@pytest.mark.parametrize(
    ("data", "mention"),
    [
        (b"", "不是有效的 JSON"),
        (b"\xff\xfe{}", "UTF-8"),
        (b'{"format": NaN}', "jixiao-sheet/1"),
        (b"[1, 2", "不是有效的 JSON"),
        (b"\xef\xbb\xbf" + (EXAMPLES / "03-monthly-appraisal.json").read_bytes(), ""),
        (b'{"format": "jixiao-sheet/1", "title": "\\ud800", "items": []}', "title"),
    ],
)
def test_malformed_files(data: bytes, mention: str) -> None:
    code, out, err, _ = run_bytes(data)
    check(code, out, err)
    assert mention in (err if code else out)


@pytest.mark.parametrize(
    "token", ["NaN", "Infinity", "-Infinity", "1e999", "-1", '"24"', "true", "null", "[]"]
)
def test_bad_numbers_name_the_field(token: str) -> None:
    text = (EXAMPLES / "01-project-self-evaluation.json").read_text("utf-8")
    text = text.replace('"target": 24', f'"target": {token}')
    code, out, err, _ = run_bytes(text.encode("utf-8"))
    check(code, out, err)
    assert code == 2
    assert "“产出指标 / 数量指标 / 新建改造供水工程”" in err and "target" in err
