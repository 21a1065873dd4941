"""The status tag partial shows each state in its fixed colour (UI.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from jixiao.workflow import services
from jixiao.workflow.tests.support import DEPARTMENT_LABEL


def _tag(case) -> str:
    return render_to_string("workflow/_status.html", {"case": case})


def test_never_submitted_is_a_draft():
    html = _tag(None)
    assert 'class="badge jx-status-draft"' in html and "草稿" in html


@pytest.mark.parametrize(
    ("fixture", "css", "text"),
    [
        ("case_a", "jx-status-draft", "草稿"),
        ("submitted_a", "jx-status-pending", "待审核"),
        ("approved_a", "jx-status-approved", "已批复"),
    ],
)
def test_states_have_their_colour(request, fixture, css, text):
    html = _tag(request.getfixturevalue(fixture))
    assert f'class="badge {css}"' in html and text in html


def test_pending_shows_its_level_and_lateness(submitted_a):
    assert DEPARTMENT_LABEL in _tag(submitted_a)
    assert "已逾期" not in _tag(submitted_a)
    submitted_a.due_at = timezone.now() - timedelta(minutes=1)
    assert 'class="badge jx-status-overdue"' in _tag(submitted_a)


def test_returned_and_adjustment(personas, submitted_a, approved_a):
    services.case_request_adjustment(actor=personas.unit_a_operator, case=approved_a, reason="调")
    html = _tag(approved_a)
    assert "jx-status-draft" in html and 'data-kind="adjustment"' in html
    services.case_submit(actor=personas.unit_a_operator, case=approved_a, snapshot={})
    services.case_return(actor=personas.department_reviewer, case=approved_a, comment="退回")
    assert 'class="badge jx-status-returned"' in _tag(approved_a)
