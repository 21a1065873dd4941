"""A township with two offices and its people, for the government tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.government import services
from jixiao.government.models import Item, Scheme
from jixiao.orgs.models import Organization, OrgKind, Role, User
from jixiao.testing.factories import make_org, make_user


@dataclass
class Town:
    town: Organization
    economy: Organization
    social: Organization
    office: User  # the leadership group's office (绩效办)
    leader: User
    economy_person: User
    economy_other: User
    economy_head: User
    social_person: User


def make_town() -> Town:
    town = make_org("测试镇人民政府", OrgKind.TOWNSHIP)
    economy = make_org("经济发展办公室", OrgKind.OFFICE, town)
    social = make_org("社会事务办公室", OrgKind.OFFICE, town)
    return Town(
        town=town,
        economy=economy,
        social=social,
        office=make_user("gov_office", town, Role.HR_OFFICER, full_name="绩效办王芳"),
        leader=make_user("gov_leader", town, Role.LEADER, full_name="镇长许建华"),
        economy_person=make_user("eco1", economy, Role.UNIT_OPERATOR, full_name="李明"),
        economy_other=make_user("eco2", economy, Role.UNIT_OPERATOR, full_name="张强"),
        economy_head=make_user("eco_head", economy, Role.DEPARTMENT_HEAD, full_name="赵主任"),
        social_person=make_user("soc1", social, Role.UNIT_OPERATOR, full_name="陈静"),
    )


def make_scheme(t: Town, year: int = 2026) -> Scheme:
    return services.scheme_create(actor=t.office, organization=t.town, year=year)


def item_named(scheme: Scheme, name: str) -> Item:
    return scheme.items.select_related("indicator").get(indicator__name=name)


def assign_all(t: Town, scheme: Scheme) -> None:
    """Quantitative items to the economy office's person, social ones to the social office."""
    for item in scheme.items.select_related("indicator"):
        office, person = (
            (t.economy, t.economy_person)
            if item.part == "quantitative"
            else (t.social, t.social_person)
        )
        services.item_assign(
            actor=t.office,
            item=item,
            office=office,
            responsible=person,
            standard=f"{item.indicator.name}达到年度目标",
        )


def evidence(name: str = "佐证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


def submit_and_review(
    t: Town, item: Item, self_score: Decimal, score: Decimal, comment: str = ""
) -> Item:
    person = item.responsible
    services.item_self_evaluate(
        actor=person,
        item=item,
        self_check="对照考核标准逐项自查",
        self_score=self_score,
        self_explanation="按计划完成",
    )
    services.evidence_add(actor=person, item=item, file=evidence())
    services.item_submit(actor=person, item=item)
    return services.item_review(actor=t.office, item=item, score=score, comment=comment)
