"""Writes on indicator trees: create, copy a template, add/change/remove indicators, check."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from jixiao.audit.services import audit_record, audited_update, snapshot
from jixiao.indicators import errors
from jixiao.indicators.models import Indicator, IndicatorTree, TreeKind
from jixiao.lib.plain import plain
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import NO_PERMISSION, PermissionDeniedError
from jixiao.orgs.models import Organization, User

TEMPLATE_MANAGE = "indicator.template.manage"
INDICATOR_VIEW = "indicator.view"

TREE_FIELDS = [
    "kind",
    "domain",
    "name",
    "code",
    "organization_id",
    "scale",
    "decimals",
    "rounding",
    "qualitative_bands",
    "grades",
]
INDICATOR_FIELDS = [
    "parent_id",
    "position",
    "level",
    "name",
    "code",
    "kind",
    "direction",
    "target_value",
    "target_text",
    "unit",
    "full_score",
    "rule",
    "rule_params",
    "basis",
    "formula",
    "explanation",
    "standard_value",
    "previous_values",
    "library_entry_id",
]
EDITABLE = set(INDICATOR_FIELDS) - {"parent_id", "level"}


def _require_tree_write(actor: User | None, tree: IndicatorTree, authorized: bool) -> None:
    """Who may change a tree.

    System jobs (actor None) are trusted. A tree that belongs to a domain object (a project's
    targets, an appraisal) is changed through that domain's service, which checks its own
    permission first and says so with ``authorized=True``. Templates: system-wide ones (no
    organisation) are kept through the command line only, an organisation's by people who
    may manage templates there.
    """
    if actor is None or authorized:
        return
    if tree.organization_id is None or not perms.can(actor, TEMPLATE_MANAGE, tree.organization):
        raise PermissionDeniedError(NO_PERMISSION)


@transaction.atomic
def tree_create(
    *,
    actor: User | None,
    kind: str,
    domain: str,
    name: str,
    organization: Organization | None = None,
    code: str = "",
    authorized: bool = False,
    **options: Any,
) -> IndicatorTree:
    tree = IndicatorTree(
        kind=kind,
        domain=domain,
        name=name,
        organization=organization,
        code=code,
        created_by=actor,
        **options,
    )
    _require_tree_write(actor, tree, authorized)
    tree.full_clean()
    tree.save()
    audit_record(
        actor=actor, action="indicator_tree.create", obj=tree, new=snapshot(tree, TREE_FIELDS)
    )
    return tree


@transaction.atomic
def tree_copy(
    *,
    actor: User | None,
    template: IndicatorTree,
    organization: Organization | None,
    name: str = "",
    owner_type: str = "",
    owner_id: str = "",
    kind: str = TreeKind.INSTANCE,
    authorized: bool = False,
) -> IndicatorTree:
    """Copy a template with all its indicators (set-based: one insert per level)."""
    if template.kind != TreeKind.TEMPLATE:
        raise errors.IndicatorError(errors.NOT_A_TEMPLATE)
    copy = IndicatorTree(
        kind=kind,
        domain=template.domain,
        name=name or template.name,
        description=template.description,
        organization=organization,
        source=template,
        owner_type=owner_type,
        owner_id=owner_id,
        scale=template.scale,
        decimals=template.decimals,
        rounding=template.rounding,
        qualitative_bands=template.qualitative_bands,
        grades=template.grades,
        rule_version=template.rule_version,
        created_by=actor,
    )
    _require_tree_write(actor, copy, authorized)
    copy.full_clean()
    copy.save()
    _copy_indicators(template, copy)
    audit_record(
        actor=actor,
        action="indicator_tree.copy",
        obj=copy,
        new={
            **snapshot(copy, TREE_FIELDS),
            "source_id": template.pk,
            "owner": f"{owner_type}:{owner_id}",
        },
    )
    return copy


def _copy_indicators(source: IndicatorTree, target: IndicatorTree) -> None:
    by_level: dict[int, list[Indicator]] = defaultdict(list)
    for node in source.indicators.order_by("level", "position", "id"):
        by_level[node.level].append(node)
    new_id: dict[int, int] = {}
    for level in sorted(by_level):
        nodes = by_level[level]
        copies = [
            Indicator(
                tree=target,
                parent_id=new_id.get(n.parent_id) if n.parent_id else None,
                **{f: getattr(n, f) for f in INDICATOR_FIELDS if f != "parent_id"},
            )
            for n in nodes
        ]
        created = Indicator.objects.bulk_create(copies)
        if any(c.pk is None for c in created):  # backends without RETURNING
            created = list(target.indicators.filter(level=level).order_by("position", "id"))
        new_id.update({old.pk: new.pk for old, new in zip(nodes, created, strict=True)})


@transaction.atomic
def indicator_add(
    *,
    actor: User | None,
    tree: IndicatorTree,
    name: str,
    parent: Indicator | None = None,
    authorized: bool = False,
    **fields: Any,
) -> Indicator:
    _require_tree_write(actor, tree, authorized)
    if parent is not None and parent.tree_id != tree.pk:
        raise errors.IndicatorError(errors.PARENT_OTHER_TREE)
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    if "position" not in fields:
        last = tree.indicators.filter(parent=parent).aggregate(m=Max("position"))["m"]
        fields["position"] = 0 if last is None else last + 1
    node = Indicator(
        tree=tree, parent=parent, name=name, level=(parent.level + 1) if parent else 1, **fields
    )
    node.full_clean()
    node.save()
    audit_record(
        actor=actor,
        action="indicator.create",
        obj=node,
        organization_id=tree.organization_id,
        new=snapshot(node, INDICATOR_FIELDS),
    )
    return node


@transaction.atomic
def indicator_update(
    *, actor: User | None, indicator: Indicator, authorized: bool = False, **fields: Any
) -> Indicator:
    _require_tree_write(actor, indicator.tree, authorized)
    return audited_update(
        indicator,
        fields,
        actor=actor,
        action="indicator.update",
        allowed=EDITABLE,
        fields=INDICATOR_FIELDS,
        organization_id=indicator.tree.organization_id,
    )


@transaction.atomic
def indicator_delete(*, actor: User | None, indicator: Indicator, authorized: bool = False) -> None:
    """Remove an indicator and everything under it."""
    _require_tree_write(actor, indicator.tree, authorized)
    removed = [snapshot(n, ["id", "name"]) for n in _subtree(indicator)]
    audit_record(
        actor=actor,
        action="indicator.delete",
        obj=indicator,
        organization_id=indicator.tree.organization_id,
        old={**snapshot(indicator, INDICATOR_FIELDS), "removed": removed},
    )
    indicator.delete()


def _subtree(root: Indicator) -> list[Indicator]:
    nodes = list(root.tree.indicators.all())
    kids: dict[int | None, list[Indicator]] = defaultdict(list)
    for n in nodes:
        kids[n.parent_id].append(n)
    result, stack = [], [root]
    while stack:
        node = stack.pop()
        result.append(node)
        stack.extend(kids.get(node.pk, []))
    return result


def tree_check(tree: IndicatorTree) -> list[str]:
    """What is wrong with the tree's structure, in Chinese (empty when it is sound)."""
    nodes = list(tree.indicators.all())
    if not nodes:
        return [errors.EMPTY_TREE]
    by_id = {n.pk: n for n in nodes}
    has_children = {n.parent_id for n in nodes if n.parent_id}
    problems: list[str] = []
    total = Decimal(0)
    for node in sorted(nodes, key=lambda n: (n.level, n.position, n.pk)):
        path = indicator_path(node, by_id)
        if node.pk in has_children and node.rule:
            problems.append(errors.GROUP_WITH_RULE.format(path=path))
        if node.pk not in has_children and not node.rule:
            problems.append(errors.LEAF_WITHOUT_RULE.format(path=path))
        if node.pk not in has_children and node.rule not in ("bonus", "penalty"):
            total += node.full_score or 0
    if total != tree.scale:
        problems.append(
            errors.FULL_SUM_MISMATCH.format(total=plain(total), scale=plain(tree.scale))
        )
    return problems


def indicator_path(node: Indicator, by_id: dict[int, Indicator]) -> str:
    """ "产出指标 / 数量指标 / 新建改造供水工程": the names from the top down."""
    names = [node.name]
    while node.parent_id:
        node = by_id[node.parent_id]
        names.append(node.name)
    return " / ".join(reversed(names))
