from __future__ import annotations

import pytest
from django.utils import timezone

from jixiao.demo import surveys as demo
from jixiao.orgs.models import OrgKind
from jixiao.surveys.models import Response, Survey, SurveyState
from jixiao.surveys.queries import satisfaction
from jixiao.testing.factories import make_org


@pytest.mark.django_db
def test_demo_surveys() -> None:
    bureau = make_org("青山县财政局", OrgKind.FINANCE_BUREAU)
    department = make_org("青山县教育局", OrgKind.SUPERVISING_DEPARTMENT, bureau)
    school = make_org(demo.SCHOOL, OrgKind.BUDGET_UNIT, department)
    hospital = make_org(demo.HOSPITAL, OrgKind.BUDGET_UNIT, department)
    demo.build(timezone.localdate(), {demo.SCHOOL: school, demo.HOSPITAL: hospital})
    published = Survey.objects.get(organization=school)
    assert published.state == SurveyState.OPEN and published.tokens.count() == 12
    assert Response.objects.filter(survey=published).count() == demo.ANSWERS
    assert satisfaction(published).rate is not None
    assert Survey.objects.get(organization=hospital).state == SurveyState.DRAFT
