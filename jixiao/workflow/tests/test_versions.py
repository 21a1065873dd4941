"""Every submission and approval is a numbered version; any two can be compared field by field
and row by row."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.workflow import queries, services
from jixiao.workflow.diff import ADDED, CHANGED, REMOVED, SAME, diff_snapshots, plain
from jixiao.workflow.models import VersionPurpose
from jixiao.workflow.tests.support import form, open_case

NEW_ROW = {"key": "indicator:3", "name": "项目完成及时率", "target": "100", "unit": "%"}


def test_versions_are_numbered_per_submission_and_approval(personas, submitted_a):
    services.case_return(actor=personas.department_reviewer, case=submitted_a, comment="完善")
    services.case_submit(
        actor=personas.unit_a_operator,
        case=submitted_a,
        snapshot=form(target="600", extra_rows=[NEW_ROW]),
    )
    services.case_approve(actor=personas.department_reviewer, case=submitted_a)
    services.case_approve(actor=personas.finance_reviewer, case=submitted_a)
    rows = list(queries.versions(submitted_a).values_list("number", "purpose"))
    assert rows == [
        (1, VersionPurpose.SUBMITTED),
        (2, VersionPurpose.SUBMITTED),
        (3, VersionPurpose.APPROVED),
    ]
    steps = list(queries.history(submitted_a))
    assert [s.version.number if s.version else None for s in steps] == [1, None, 2, None, 3]


def test_diff_versions_shows_a_changed_indicator_and_an_added_row(personas, submitted_a):
    services.case_return(actor=personas.department_reviewer, case=submitted_a, comment="完善")
    services.case_submit(
        actor=personas.unit_a_operator,
        case=submitted_a,
        snapshot=form(budget="120.00", target="600", extra_rows=[NEW_ROW]),
    )
    first, second = queries.versions(submitted_a)
    diff = queries.diff_versions(first, second)

    assert [(f.name, f.old, f.new) for f in diff.fields] == [("budget", "100", "120")]
    table = diff.table("indicators")
    assert [(r.key, r.status) for r in table.rows] == [
        ("indicator:1", CHANGED),
        ("indicator:2", SAME),
        ("indicator:3", ADDED),
    ]
    (changed_row,) = table.changed
    assert [(c.name, c.old, c.new) for c in changed_row.changes] == [("target", "500", "600")]
    assert table.added[0].new == NEW_ROW
    assert not diff.is_empty

    backwards = queries.diff_versions(second, first).table("indicators")
    assert [r.key for r in backwards.removed] == ["indicator:3"]


def test_identical_versions_have_an_empty_diff(personas, submitted_a):
    services.case_withdraw(actor=personas.unit_a_operator, case=submitted_a)
    services.case_submit(actor=personas.unit_a_operator, case=submitted_a, snapshot=form())
    first, second = queries.versions(submitted_a)
    assert queries.diff_versions(first, second).is_empty


def test_versions_of_two_cases_are_not_compared(personas, submitted_a):
    other = open_case(personas.unit_a)
    services.case_submit(actor=None, case=other, snapshot=form())
    with pytest.raises(ValueError, match="different cases"):
        queries.diff_versions(submitted_a.versions.get(), other.versions.get())


# --- The pure comparison -------------------------------------------------------------------


def test_rows_are_matched_by_key_not_position():
    old = {"rows": [{"key": 1, "v": "a"}, {"key": 2, "v": "b"}]}
    new = {"rows": [{"key": 2, "v": "b"}, {"key": 1, "v": "a"}]}
    assert diff_snapshots(old, new).is_empty


def test_a_removed_row_and_a_removed_field():
    old = {"title": "x", "note": "n", "rows": [{"id": "a", "v": 1}, {"id": "b", "v": 2}]}
    new = {"title": "x", "rows": [{"id": "a", "v": 1}]}
    diff = diff_snapshots(old, new, row_key="id")
    assert [(f.name, f.old, f.new) for f in diff.fields] == [("note", "n", None)]
    assert [(r.key, r.status, r.old) for r in diff.table("rows").removed] == [
        ("b", REMOVED, {"id": "b", "v": 2})
    ]


def test_a_table_that_appears_is_all_added():
    diff = diff_snapshots({}, {"rows": [{"key": "k", "v": 1}]})
    assert [r.status for r in diff.table("rows").rows] == [ADDED]


def test_lists_without_keys_compare_as_values():
    diff = diff_snapshots({"tags": ["a", "b"]}, {"tags": ["a", "c"]})
    assert [(f.name, f.old, f.new) for f in diff.fields] == [("tags", ["a", "b"], ["a", "c"])]
    assert diff.tables == {}


def test_decimals_of_different_scale_are_equal():
    assert plain(Decimal("5.00")) == plain(Decimal("5")) == "5"
    assert diff_snapshots({"budget": Decimal("1.50")}, {"budget": Decimal("1.5")}).is_empty
