"""The leader overview (预算绩效管理总览): what it counts, for whom, through how many queries.

The page is asked for the year 2028 (``?year=2028``): it then reads the declarations of the
2029 budget, the monitoring of 2028 and the self-evaluations, grades and rectification of 2027
(the evaluation factories' year). Unit A lies under the education bureau (``edu_reviewer``'s
scope), unit B under the health bureau."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jixiao.budget import overview
from jixiao.budget import services as budget_services
from jixiao.budget.evaluation import queries as evaluation_queries
from jixiao.budget.evaluation.results import rectification
from jixiao.budget.evaluation.tests.factories import YEAR, approved, submitted
from jixiao.budget.models import Project
from jixiao.budget.monitoring import services as monitoring
from jixiao.budget.monitoring.models import MonitoringRound, SpendingRecord
from jixiao.budget.tests.factories import fill_targets, make_project
from jixiao.orgs.models import Organization, OrgKind, Role
from jixiao.testing.factories import Personas, make_org, make_user

D = Decimal
CURRENT = YEAR + 1  # the page's year: monitoring 2028, declarations 2029, evaluation 2027
URL = f"/budget/overview/?year={CURRENT}"
AMOUNT = Decimal(300)
SHORT = {"新建改造供水工程": "原因", "农村自来水普及率": "原因"}


def declared(unit: Organization, code: str, year: int, total: Decimal = AMOUNT) -> Project:
    return make_project(
        unit,
        code=code,
        total=total,
        is_new=False,
        fiscal_year=year,
        start_year=year,
        end_year=year,
    )


def approved_in(unit: Organization, code: str, year: int, total: Decimal = AMOUNT) -> Project:
    """A declaration of ``year`` with the standard targets, approved at both levels."""
    project = declared(unit, code, year, total)
    fill_targets(project)
    budget_services.target_submit(actor=None, project=project)
    budget_services.target_approve(actor=None, project=project)
    budget_services.target_approve(actor=None, project=project, approved_amount=total)
    return project


def open_round(bureau: Organization, year: int, months: int = 7) -> MonitoringRound:
    return monitoring.round_open(
        actor=None,
        bureau=bureau,
        fiscal_year=year,
        months_elapsed=months,
        due_at=timezone.now() + timedelta(days=10),
    )


def cycle(personas: Personas, units: list[Organization] | None = None, tag: str = "") -> None:
    """A whole cycle: 2027 results (graded, sent back with tasks overdue), 2028 monitored
    money (a round of months 1-7 with payments), 2029 declarations in review."""
    for n, unit in enumerate(units or [personas.unit_a, personas.unit_b]):
        code = f"{tag}{unit.pk}-{n}"
        # 2027: an excellent result sent back with two problems long overdue; a poor one.
        result = approved(unit, f"E{code}-1")
        rectification.feedback_send(
            actor=None,
            self_evaluation=result,
            opinion="请按期整改。",
            problems=("问题一", "问题二"),
            today=date(2020, 1, 1),
        )
        submitted(
            unit,
            f"E{code}-2",
            actuals={"新建改造供水工程": D(0), "农村自来水普及率": D(20)},
            explanations=SHORT,
        )
        approved_in(unit, f"E{code}-3", YEAR)  # approved, never self-evaluated
        # 2028: two monitored projects, one spent far behind time.
        on_time = approved_in(unit, f"M{code}-1", CURRENT, D(1000))
        behind = approved_in(unit, f"M{code}-2", CURRENT, D(1000))
        SpendingRecord.objects.create(project=on_time, date=date(CURRENT, 3, 1), amount=D(600))
        SpendingRecord.objects.create(project=behind, date=date(CURRENT, 3, 1), amount=D(50))
        # 2029: one declaration submitted for review, one still a draft.
        budget_services.target_submit(
            actor=None, project=_filled(declared(unit, f"B{code}-1", CURRENT + 1, D(800)))
        )
        declared(unit, f"B{code}-2", CURRENT + 1, D(200))


def _filled(project: Project) -> Project:
    fill_targets(project)
    return project


def rounds(personas: Personas, months: int = 7) -> None:
    """The 2027 round (for the trend) and the 2028 round, both of months 1-``months``,
    computed."""
    for year in (YEAR, CURRENT):
        round = open_round(personas.bureau, year, months)
        monitoring.round_compute_warnings(actor=None, round=round)


@pytest.fixture
def cycle_data(personas: Personas) -> Personas:
    cycle(personas)
    rounds(personas)
    return personas


def page(client, user, url: str = URL):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.get(url)


# --- Who sees what ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, personas) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_unit_operators_and_township_leaders_get_404(client, cycle_data) -> None:  # type: ignore[no-untyped-def]
    """A unit's operator holds the monitoring view action, but over its own unit only: the
    overview is for those who oversee units (bureau, supervising departments)."""
    assert page(client, cycle_data.unit_a_operator).status_code == 404
    town = make_org("测试镇人民政府", OrgKind.TOWNSHIP)
    assert page(client, make_user("town_leader", town, Role.LEADER)).status_code == 404
    assert page(client, cycle_data.employee).status_code == 404


def test_wrong_method_is_refused(client, cycle_data) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cycle_data.leader)
    assert client.post(URL).status_code == 405


def test_bureau_sees_all_department_sees_its_units(client, cycle_data) -> None:  # type: ignore[no-untyped-def]
    bureau = page(client, cycle_data.leader).context
    department = page(client, cycle_data.department_reviewer).context
    finance = page(client, cycle_data.finance_reviewer).context
    everything, education = bureau["data"], department["data"]

    assert finance["data"].declarations == everything.declarations
    # Declarations of 2029: one submitted and one draft per unit.
    assert everything.declarations["total"]["projects"] == 4
    assert everything.declarations["states"]["submitted"]["projects"] == 2
    assert everything.declarations["total"]["declared"] == D(2000)
    assert education.declarations["total"]["projects"] == 2
    assert education.declarations["total"]["declared"] == D(1000)
    # Monitoring of 2028: four projects of 1000 each, 1300 spent in all.
    assert everything.monitoring["projects"] == 4
    assert everything.monitoring["budget"] == D(4000)
    assert everything.monitoring["executed"] == D(1300)
    assert education.monitoring["projects"] == 2
    assert education.monitoring["executed"] == D(650)
    assert everything.monitoring["red_list"] > education.monitoring["red_list"] > 0
    # Self-evaluation coverage of 2027: three approved declarations per unit, two submitted.
    assert everything.coverage["total"] == {
        "projects": 6,
        "approved": 2,
        "submitted": 2,
        "missing": 2,
        "rate": D(4) / D(6),
    }
    assert education.coverage["total"]["projects"] == 3
    # Grades of 2027: one 优 and one 差 per unit, one not evaluated.
    assert everything.grades["counts"] == {
        "excellent": 2,
        "good": 0,
        "fair": 0,
        "poor": 2,
        "none": 2,
    }
    assert education.grades["counts"]["excellent"] == 1
    assert everything.grades["cut"] == D(600)  # the two 差 projects' 300 each
    assert education.grades["cut"] == D(300)
    # Rectification: two overdue tasks per unit.
    assert everything.rectifications["total"]["overdue"] == 4
    assert education.rectifications["total"]["overdue"] == 2
    # The department table: every department for the bureau, only its own for a department.
    assert [r["name"] for r in everything.department_rows] == ["测试县教育局", "测试县卫生健康局"]
    assert [r["name"] for r in education.department_rows] == ["测试县教育局"]
    assert "测试县卫生健康局" not in page(client, cycle_data.department_reviewer).content.decode()


def test_year_choice_is_spelled_out(client, cycle_data) -> None:  # type: ignore[no-untyped-def]
    html = page(client, cycle_data.leader).content.decode()
    years = html.split('data-testid="overview-years"')[1].split("</div>")[0]
    assert "2029年度" in years and "2028年度" in years and "2027年度" in years
    default = page(client, cycle_data.leader, "/budget/overview/").context["years"]
    assert default.current == timezone.localdate().year
    assert default.evaluated == default.current - 1 and default.budget == default.current + 1
    assert page(client, cycle_data.leader, "/budget/overview/?year=x").status_code == 200


def test_figures_link_to_the_filtered_lists(client, cycle_data) -> None:  # type: ignore[no-untyped-def]
    html = page(client, cycle_data.leader).content.decode()
    round = MonitoringRound.objects.get(fiscal_year=CURRENT)
    education = cycle_data.education.pk
    for link in (
        f"/budget/projects/?year={CURRENT + 1}&amp;state=submitted",
        f"/budget/monitoring/rounds/{round.pk}/warnings/?colour=red",
        f"/budget/monitoring/rounds/{round.pk}/?department={education}",
        f"/budget/monitoring/rounds/{round.pk}/?execution=red",
        f"/budget/self-evaluations/?year={YEAR}",
        f"/budget/evaluation/proposal/?year={YEAR}",
        f"/budget/results/rectification/?year={YEAR}&amp;department={education}&amp;overdue=1",
        f"/budget/monitoring/rounds/{round.pk}/dashboard/",
    ):
        assert link in html, link
    # The charts' data go to the page as JSON, each point with its list.
    chart = page(client, cycle_data.leader).context["chart"]
    assert {p["name"]: p["value"] for p in chart["grades"]}["差"] == 2
    assert all(p["url"] for p in chart["targets"])
    assert 'id="overview-data"' in html and "overview-charts.js" in html
    assert "<script>" not in html  # no inline script (CSP)


def test_trends_cover_every_year_with_data(client, cycle_data) -> None:  # type: ignore[no-untyped-def]
    data = page(client, cycle_data.leader).context["data"]
    assert [t["fiscal_year"] for t in data.execution_trend] == [YEAR, CURRENT]
    assert all(t["round"].months_elapsed == 7 for t in data.execution_trend)
    assert data.execution_trend[1]["rate"] == D(1300) / D(4000)
    assert [t["fiscal_year"] for t in data.result_trend] == [YEAR]
    assert data.result_trend[0]["counts"] == {"excellent": 2, "good": 0, "fair": 0, "poor": 2}
    assert data.result_trend[0]["self"] == 4


def test_result_trend_agrees_with_project_results(cycle_data) -> None:  # type: ignore[no-untyped-def]
    """The set-based grades of every year give, for one year, what the evaluation area's
    ``project_results`` gives (a finished key evaluation wins over the self-evaluation)."""
    from jixiao.budget.evaluation.tests.results_factories import finished_key

    poor = Project.objects.get(code=f"E{cycle_data.unit_a.pk}-0-2")
    finished_key(cycle_data, poor)
    user, bureau = cycle_data.leader, cycle_data.bureau
    expected: dict[str, int] = dict.fromkeys(overview.GRADES, 0)
    for row in evaluation_queries.project_results(user, bureau, YEAR):
        if row.grade:
            expected[row.grade] += 1
    (trend,) = overview.result_trend(user, bureau)
    assert trend["counts"] == expected
    assert expected["poor"] == 1  # the key evaluation (90%: 优) replaced one 差


def test_department_table_sorts(client, cycle_data) -> None:  # type: ignore[no-untyped-def]
    approved_in(cycle_data.unit_b, "EXTRA", CURRENT + 1)
    names = [
        r["name"] for r in page(client, cycle_data.leader, URL + "&sort=-declared").context["rows"]
    ]
    assert names == ["测试县卫生健康局", "测试县教育局"]
    html = page(client, cycle_data.leader, URL + "&sort=-declared").content.decode()
    assert f"/budget/overview/?year={CURRENT}&amp;sort=declared#departments" in html  # flips
    names = [
        r["name"] for r in page(client, cycle_data.leader, URL + "&sort=declared").context["rows"]
    ]
    assert names == ["测试县教育局", "测试县卫生健康局"]


def test_without_any_data_the_page_still_answers(client, personas) -> None:  # type: ignore[no-untyped-def]
    response = page(client, personas.leader)
    assert response.status_code == 200
    assert response.context["data"].monitoring is None
    assert 'data-testid="no-round"' in response.content.decode()


# --- Menu and home page ---------------------------------------------------------------------------


def test_menu_entry_for_overseers_only(client, cycle_data) -> None:  # type: ignore[no-untyped-def]
    for user, shown in (
        (cycle_data.leader, True),
        (cycle_data.finance_reviewer, True),
        (cycle_data.department_reviewer, True),
        (cycle_data.unit_a_operator, False),
    ):
        client.force_login(user)
        html = client.get("/").content.decode()
        assert ('href="/budget/overview/"' in html) is shown, user
        assert ('data-testid="home-overview"' in html) is shown, user


def test_home_block_numbers(client, cycle_data) -> None:  # type: ignore[no-untyped-def]
    from jixiao.budget.overview_views import home_block

    block = home_block(cycle_data.department_reviewer)
    this = timezone.localdate().year
    assert block is not None and block["years"].current == this
    assert home_block(cycle_data.unit_a_operator) is None


# --- Queries --------------------------------------------------------------------------------------

MAX_QUERIES = 40


def test_query_count_does_not_grow_with_projects_or_departments(
    client, cycle_data, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cycle_data.leader)
    client.get(URL)  # warm the session
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    # Twice the units, two more departments, twice the projects in every area.
    more = []
    for name in ("测试县农业农村局", "测试县水利局"):
        department = make_org(name, OrgKind.SUPERVISING_DEPARTMENT, cycle_data.bureau)
        more.append(make_org(f"{name}下属单位", OrgKind.BUDGET_UNIT, department))
    cycle(cycle_data, more, tag="X")
    rounds(cycle_data, months=8)  # later rounds, over all the projects
    with CaptureQueriesContext(connection) as after:
        response = client.get(URL)
    assert len(response.context["rows"]) == 4
    assert response.context["data"].declarations["total"]["projects"] == 8
    assert len(after.captured_queries) == len(before.captured_queries) <= MAX_QUERIES
