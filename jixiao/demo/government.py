"""Demo data for government performance assessment (GOV-1…5), built through the services:
the township's scheme for the current year, every item assigned to one of its offices and a
responsible person, monthly values so far, self-evaluations with evidence, most of them scored
by the leadership group's office, the raters' scores, a public satisfaction survey with answers
feeding the social part, and the result published on the public site.

Accounts added (password as the other demo accounts): ``town_perf`` (乡绩效管理办, 绩效办人员
over the township) and one responsible person per office (``town_econ``, ``town_social``,
``town_law``, ``town_agri``, ``town_service``); ``town_office`` (党政综合办公室) answers for
the items of the general office.

A supervising department is assessed too: 青山县教育局's scheme for the year on the department
templates, its items assigned to 青山县教育局机关 (``edu_office``), managed by ``edu_perf``
(绩效办人员 over the department), started. Its item 预算绩效管理工作 takes the finance bureau's
finalised appraisal of the department's budget-performance work when the demo has one for
the year (``jixiao.lib.feeds``); otherwise it stays unfed and the scheme page says so."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile

from jixiao.demo import data
from jixiao.government import services, social, standard
from jixiao.government.models import Item, Rater, Scheme
from jixiao.lib import feeds
from jixiao.orgs import services as org_services
from jixiao.orgs.models import Organization, Role, User
from jixiao.surveys import services as survey_services

# username, full name, office (by name), role over the office or over the township
PEOPLE = [
    ("town_perf", "杜思远", "党政综合办公室", Role.HR_OFFICER),
    ("town_econ", "罗志强", "经济发展办公室", Role.UNIT_OPERATOR),
    ("town_social", "唐晓燕", "社会事务办公室", Role.UNIT_OPERATOR),
    ("town_law", "韦建国", "综合行政执法队", Role.UNIT_OPERATOR),
    ("town_agri", "龚玉兰", "农业农村服务中心", Role.UNIT_OPERATOR),
    ("town_service", "邵雨欣", "便民服务中心", Role.UNIT_OPERATOR),
]
# item → (office, the monthly value as a share of the annual target, or None if qualitative)
ASSIGNMENTS = {
    "地区生产总值增长率": "经济发展办公室",
    "固定资产投资完成额": "经济发展办公室",
    "农村居民人均可支配收入增长率": "经济发展办公室",
    "重点工作任务完成率": "经济发展办公室",
    "城乡居民医疗保险参保率": "社会事务办公室",
    "民生实事办理情况": "社会事务办公室",
    "群众满意度": "社会事务办公室",
    "信访事项按期办结率": "党政综合办公室",
    "依法行政": "党政综合办公室",
    "政务公开": "党政综合办公室",
    "党风廉政建设": "党政综合办公室",
    "重大决策部署落实情况": "党政综合办公室",
    "机关作风": "党政综合办公室",
    "较大及以上安全生产事故": "综合行政执法队",
    "矛盾纠纷调处化解率": "综合行政执法队",
    "依法稳妥处理群众利益问题": "综合行政执法队",
    "农村人居环境整治村覆盖率": "农业农村服务中心",
    "新建改建农村公路": "农业农村服务中心",
    "村镇规划执行情况": "农业农村服务中心",
    "服务效能": "便民服务中心",
}
# Items summed over the months (amounts, lengths); the others report their latest rate.
SUMMED = {"固定资产投资完成额", "新建改建农村公路", "较大及以上安全生产事故"}
# Left unscored: submitted and waiting, or still being filled in.
WAITING = {"服务效能", "村镇规划执行情况"}
DRAFT = {"农村居民人均可支配收入增长率"}
SURVEY_ANSWERS = 60
RATING_WEIGHTS = (0.46, 0.36, 0.1, 0.05, 0.03)
# The department assessed, the budget unit that is its own organ (机关), the two accounts.
DEPARTMENT = "青山县教育局"
DEPARTMENT_ORGAN = "青山县教育局机关"
DEPARTMENT_PEOPLE = [
    ("edu_perf", "范子涵", DEPARTMENT, Role.HR_OFFICER),
    ("edu_office", "董俊杰", DEPARTMENT_ORGAN, Role.UNIT_OPERATOR),
]
BUDGET_SOURCE = "budget.department_appraisal"


def build(today: date, by_name: dict[str, Organization]) -> None:
    """Create the demo's government data through the services (the system acts)."""
    town = by_name.get(data.TOWNSHIP[0])
    if town is None:
        return
    rng = random.Random(f"government-{today.year}")  # noqa: S311 (demo values, not secrets)
    people = _people(town, by_name)
    scheme = services.scheme_create(actor=None, organization=town, year=today.year)
    _assign(scheme, by_name, people, today)
    services.scheme_activate(actor=None, scheme=scheme)
    months = max(1, today.month - 1)
    items = list(scheme.items.select_related("indicator", "responsible", "office"))
    for item in items:
        _values(item, months, rng)
    for item in items:
        if item.indicator.name not in DRAFT and item.indicator.name != "群众满意度":
            _self_evaluate(item, rng)
    for item in items:
        name = item.indicator.name
        if name in DRAFT or name in WAITING or name == "群众满意度":
            continue
        _review(item, people["town_perf"], rng)
    raters = {r.name: r for r in Rater.objects.filter(scheme=scheme)}
    services.rater_score_set(actor=None, rater=raters["分管领导"], score=Decimal("88.50"))
    services.rater_score_set(actor=None, rater=raters["干部职工"], score=Decimal("91.20"))
    services.scheme_update(
        actor=None, scheme=scheme, bonus_points=Decimal(1), bonus_reason="获评县级平安乡镇"
    )
    _survey(scheme, rng)
    services.scheme_publish(actor=None, scheme=scheme)
    _department(today, by_name)


def _department(today: date, by_name: dict[str, Organization]) -> None:
    """青山县教育局's scheme: department templates, every item with 教育局机关, started; the
    budget item fed when the bureau's appraisal of the year is finalised."""
    department, organ = by_name.get(DEPARTMENT), by_name.get(DEPARTMENT_ORGAN)
    if department is None or organ is None:
        return
    people = {}
    for username, full_name, org_name, role in DEPARTMENT_PEOPLE:
        home = by_name[org_name]
        user = org_services.user_create(
            actor=None,
            username=username,
            password=data.DEMO_PASSWORD,
            organization=home,
            full_name=full_name,
        )
        org_services.role_assign(actor=None, user=user, role=role, organization=home)
        people[username] = user
    scheme = services.scheme_create(actor=None, organization=department, year=today.year)
    for item in scheme.items.select_related("indicator"):
        services.item_assign(
            actor=None,
            item=item,
            office=organ,
            responsible=people["edu_office"],
            standard=f"{item.indicator.name}：达到年度工作目标，年底提供佐证材料。",
            deadline=date(today.year, 12, 20),
            aggregation="latest",
        )
    services.scheme_activate(actor=None, scheme=scheme)
    source = feeds.get(BUDGET_SOURCE)
    if source is not None and source.for_assessment(department, today.year) is not None:
        item = services.feed_item(scheme, source)
        if item is not None and item.indicator.name == standard.BUDGET_LEAF:
            services.item_feed_pull(actor=None, item=item, source_key=source.key)


def _people(town: Organization, by_name: dict[str, Organization]) -> dict[str, User]:
    people = {}
    for username, full_name, office_name, role in PEOPLE:
        office = by_name[office_name]
        user = org_services.user_create(
            actor=None,
            username=username,
            password=data.DEMO_PASSWORD,
            organization=office,
            full_name=full_name,
        )
        scope = town if role == Role.HR_OFFICER else office
        org_services.role_assign(actor=None, user=user, role=role, organization=scope)
        people[username] = user
    # The general office's demo account (data.DEMO_ACCOUNTS) answers for its items.
    people["town_office"] = User.objects.get(username="town_office")
    return people


def _person_for(office: str, people: dict[str, User]) -> User:
    for username, _name, office_name, role in PEOPLE:
        if office_name == office and role != Role.HR_OFFICER:
            return people[username]
    return people["town_office"]


def _assign(
    scheme: Scheme, by_name: dict[str, Organization], people: dict[str, User], today: date
) -> None:
    deadline = date(today.year, 12, 20)
    for item in scheme.items.select_related("indicator"):
        office = ASSIGNMENTS[item.indicator.name]
        ind = item.indicator
        target = (
            f"全年{ind.get_direction_display()}{ind.target_value.normalize():f}{ind.unit}"
            if ind.target_value is not None
            else "达成年度工作目标"
        )
        services.item_assign(
            actor=None,
            item=item,
            office=by_name[office],
            responsible=_person_for(office, people),
            standard=f"{ind.name}：{target}；按月报送完成情况，年底提供佐证材料。",
            deadline=deadline - timedelta(days=10 * (item.position % 3)),
            aggregation="sum" if ind.name in SUMMED else "latest",
        )


def _values(item: Item, months: int, rng: random.Random) -> None:
    ind = item.indicator
    if ind.target_value is None or item.indicator.name == "群众满意度":
        return
    year = item.scheme.year
    for month in range(1, months + 1):
        if ind.name in SUMMED:
            share = Decimal(rng.randint(70, 110)) / 100 / 12
            value = (ind.target_value * share).quantize(Decimal("0.01"))
        else:
            ratio = Decimal(rng.randint(88, 104)) / 100
            value = (ind.target_value * ratio * month / months).quantize(Decimal("0.01"))
        lagging = rng.random() < 0.2
        services.item_value_set(
            actor=item.responsible,
            item=item,
            period=f"{year}-{month:02d}",
            value=value,
            progress_note=f"{month}月按计划推进，完成情况已报乡绩效管理办。",
            problems="部分村组进度偏慢，资金到位不及时。" if lagging else "",
            measures="由分管领导督办，每周调度一次。" if lagging else "",
        )


def _self_evaluate(item: Item, rng: random.Random) -> None:
    full = item.indicator.full_score or Decimal(0)
    score = (full * Decimal(rng.randint(85, 100)) / 100).quantize(Decimal("0.1"))
    services.item_self_evaluate(
        actor=item.responsible,
        item=item,
        self_check="对照考核标准逐条自查，数据与台账一致，佐证材料齐全。",
        self_score=score,
        self_explanation="年度任务按计划推进，主要指标达到序时进度。",
    )
    content = ContentFile(f"{item.indicator.name} 佐证材料（演示）".encode(), name="佐证材料.txt")
    services.evidence_add(actor=item.responsible, item=item, file=content)
    services.item_submit(actor=item.responsible, item=item)


def _review(item: Item, office: User, rng: random.Random) -> None:
    item.refresh_from_db()
    own = item.self_score or Decimal(0)
    cut = Decimal(rng.choice([0, 0, 0, 1, 2])) / 10 * (item.indicator.full_score or 0) / 10
    score = max(Decimal(0), own - cut).quantize(Decimal("0.01"))
    comment = "" if score == own else "部分佐证材料不完整，酌情扣分。"
    services.item_review(actor=office, item=item, score=score, comment=comment)


def _survey(scheme: Scheme, rng: random.Random) -> None:
    survey = social.scheme_survey_create(actor=None, scheme=scheme)
    questions = [(q, list(q.options.order_by("position"))) for q in survey.questions.all()]
    for _ in range(SURVEY_ANSWERS):
        answers = {
            q.pk: [str(rng.choices(options, weights=RATING_WEIGHTS)[0].pk)]
            for q, options in questions
        }
        survey_services.survey_answer_submit(survey=survey, answers=answers)
