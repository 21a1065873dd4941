"""The demo's evaluation of last year (``demo.evaluation``) and the results built on it
(``demo.evaluation_results``), as the demo accounts see them on the pages."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from jixiao.budget.evaluation.models import (
    Evaluation,
    EvaluationKind,
    EvaluationState,
    ResultState,
    SelfEvaluation,
)
from jixiao.budget.evaluation.result_models import (
    AccountabilityRecord,
    PerformanceReport,
    Publication,
    PublicationState,
    RectificationState,
    RectificationTask,
    ReportState,
    ResultFeedback,
)
from jixiao.orgs.models import User

YEAR = timezone.localdate().year - 1
GRADES = {"优", "良", "中", "差"}


def _get(client: Any, username: str, url: str) -> Any:
    client.force_login(User.objects.get(username=username))
    return client.get(url)


def _page(client: Any, username: str, url: str) -> str:
    response = _get(client, username, url)
    assert response.status_code == 200, (username, url)
    return response.content.decode()


def _grades(html: str) -> list[str]:
    return re.findall(r'data-testid="grade">(.)<', html)


def _rows(html: str, testid: str) -> dict[str, str]:
    """The table rows with ``data-testid=testid`` by their ``data-code``."""
    rows = re.findall(rf'<tr data-testid="{testid}" data-code="([^"]+)">(.*?)</tr>', html, re.S)
    return dict(rows)


def _project_code(name: str) -> str:
    return SelfEvaluation.objects.get(fiscal_year=YEAR, project__name=name).project.code


def test_bureau_sees_every_self_evaluation_with_all_grades(client, demo):
    html = _page(client, "finance", f"/budget/self-evaluations/?year={YEAR}")
    rows = _rows(html, "coverage-row")
    assert len(rows) == 11
    assert "已批复项目11个，尚未提交自评2个。" in html  # the draft and the returned one
    assert set(_grades(html)) == GRADES
    states = {s.state for s in SelfEvaluation.objects.filter(fiscal_year=YEAR)}
    assert states == set(ResultState.values)
    assert "已退回" in rows[_project_code("空气质量自动监测站运维")]
    assert "草稿" in rows[_project_code("全民阅读推广")]


def test_unit_operator_sees_only_its_own_self_evaluation(client, demo):
    html = _page(client, "unit_operator", f"/budget/self-evaluations/?year={YEAR}")
    assert list(_rows(html, "coverage-row")) == [_project_code("智慧校园建设")]
    own = SelfEvaluation.objects.get(fiscal_year=YEAR, project__name="智慧校园建设")
    page = _page(client, "unit_operator", f"/budget/self-evaluations/{own.pk}/")
    assert "8间教室因教学楼抗震加固推迟改造" in page
    other = _get(client, "hospital_operator", f"/budget/self-evaluations/{own.pk}/")
    assert other.status_code == 404


def test_proposal_shows_the_grades_priorities_and_cuts(client, demo):
    html = _page(client, "finance", f"/budget/evaluation/proposal/?year={YEAR}")
    rows = _rows(html, "proposal-row")
    assert len(rows) == 11
    assert set(_grades(html)) == GRADES
    key = rows[_project_code("高标准农田建设")]
    assert "重点评价" in key
    assert "压减10%" in key
    assert 'data-testid="cut">140.00<' in key  # 1,400 × 10%
    road = rows[_project_code("农村公路提档升级")]
    assert "取消或暂停" in road
    assert 'data-testid="cut">1,800.00<' in road
    assert "再评价" in rows[_project_code("农村饮水安全巩固提升")]
    assert "优先保障" in rows[_project_code("课后延时服务补助")]
    assert 'data-testid="control-cut">1,800.00<' in html  # the department's control number


def test_key_evaluation_shows_the_experts_combined_scores(client, demo):
    key = Evaluation.objects.get(fiscal_year=YEAR, kind=EvaluationKind.KEY)
    assert key.state == EvaluationState.FINISHED
    assert key.assignments.filter(submitted_at__isnull=False).count() == 4
    html = _page(client, "finance", f"/budget/evaluation/{key.pk}/")
    for name in ("林思远", "王立群", "刘海涛", "赵秀兰"):
        assert name in html
    assert html.count("4位评价人评分") == key.items.count()
    assert "去掉最高分和最低分后平均为" in html
    assert f'data-testid="evaluation-total">{key.total}<' in html
    assert _grades(html) == ["中"]
    # The evaluator sees it through the assignment; a unit of another department does not.
    assert _get(client, "evaluator", f"/budget/evaluation/{key.pk}/").status_code == 200
    assert _get(client, "unit_operator", f"/budget/evaluation/{key.pk}/").status_code == 404


def test_reevaluation_shows_the_differences_item_by_item(client, demo):
    again = Evaluation.objects.get(fiscal_year=YEAR, kind=EvaluationKind.REEVALUATION)
    html = _page(client, "finance", f"/budget/evaluation/{again.pk}/")
    differences = re.findall(r'data-testid="difference">([^<]+)<', html)
    assert "-8.75" in differences  # 17 of 24 works: 21.25 instead of 30
    assert len([d for d in differences if d.startswith("-")]) == 3
    assert "现场核查" in html
    assert _grades(html) == ["良"]  # the unit's own 优 corrected


def test_unit_operator_sees_its_results_and_rectification(client, demo):
    feedback = ResultFeedback.objects.get(fiscal_year=YEAR, project__name="智慧校园建设")
    task = feedback.tasks.order_by("position").first()
    assert task is not None
    html = _page(client, "unit_operator", f"/budget/results/feedback/{feedback.pk}/")
    assert "智慧校园建设" in html
    tasks = _page(client, "unit_operator", "/budget/results/rectification/")
    assert task.problem[:10] in tasks
    assert "改造智慧教室" in _page(
        client, "unit_operator", f"/budget/results/rectification/{task.pk}/"
    )
    for url in (
        f"/budget/results/feedback/{feedback.pk}/",
        f"/budget/results/rectification/{task.pk}/",
    ):
        assert _get(client, "hospital_operator", url).status_code == 404, url


def test_results_are_built_on_the_evaluations(client, demo):
    today = timezone.localdate()
    assert ResultFeedback.objects.filter(fiscal_year=YEAR).count() == 7  # those with a shortfall
    tasks = RectificationTask.objects.filter(feedback__fiscal_year=YEAR)
    assert set(tasks.values_list("state", flat=True)) == set(RectificationState.values)
    overdue = tasks.filter(state=RectificationState.PENDING, deadline__lt=today)
    assert overdue.filter(unit__name="青山县第一中学").exists()
    reports = dict(PerformanceReport.objects.values_list("kind", "state"))
    assert reports == {"evaluation": ReportState.ISSUED, "unit": "draft", "summary": "draft"}
    record = AccountabilityRecord.objects.get(fiscal_year=YEAR)
    assert record.project.name == "农村公路提档升级"
    public = client.get("/budget/public/").content.decode()  # no login
    report = PerformanceReport.objects.get(kind="evaluation")
    assert report.title in public
    published = Publication.objects.filter(report=report, state=PublicationState.PUBLISHED)
    assert published.exists()


def test_the_departments_appraisal_is_finalised_and_feeds_education(client, demo):
    from jixiao.budget.evaluation.result_models import DepartmentAppraisal
    from jixiao.government.models import Item

    appraisal = DepartmentAppraisal.objects.get(fiscal_year=YEAR)
    row = appraisal.rows.get(department__name="青山县教育局")
    item = Item.objects.get(
        scheme__organization__name="青山县教育局",
        scheme__year=YEAR + 1,
        indicator__name="预算绩效管理工作",
    )
    assert item.fed_value == row.total and item.feed_version.startswith("第1版（")
    page = _page(client, "finance", f"/budget/results/departments/?year={YEAR}")
    assert "第1版" in page and "青山县教育局" in page
