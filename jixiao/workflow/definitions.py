"""Workflow definitions: which levels review a kind of form, who reviews at each, and which
permission each step needs.

A definition lives in code, not in a table: the levels of a budget target review are a rule of
the finance bureau's regulations, changed by a release, and their reviewer rules are Python
functions of the organisation tree. A domain registers its definitions from its
``AppConfig.ready()``::

    register_definition(WorkflowDefinition(
        key="budget.target",
        label="绩效目标申报",
        submit_action="budget.target.submit",
        view_action="budget.target.view",
        levels=(
            ReviewLevel("主管部门审核", "budget.target.review_department",
                        ancestor_of_kind(OrgKind.SUPERVISING_DEPARTMENT)),
            ReviewLevel("财政审核", "budget.target.review_finance",
                        ancestor_of_kind(OrgKind.FINANCE_BUREAU), required=True),
        ),
    ))

Each level should have an action of its own. The finance bureau's scope contains every
department, so with one shared action a finance reviewer could act at the department level
and the department's review would be skipped in practice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from jixiao.orgs.models import Organization

ReviewerRule = Callable[[Organization], "Organization | None"]


@dataclass(frozen=True)
class ReviewLevel:
    """One level of review.

    ``reviewer`` answers which organisation reviews a form of the given (subject's)
    organisation, or None when there is none: the level is then skipped, unless ``required``,
    in which case submitting is refused (the tree is misconfigured). ``action`` is the
    permission a person needs over that organisation to approve or return at this level.
    ``due_in``: the time allowed for this level's review, counted from when the form reaches it.
    """

    label: str
    action: str
    reviewer: ReviewerRule
    required: bool = False
    due_in: timedelta | None = None


@dataclass(frozen=True)
class WorkflowDefinition:
    """How one kind of form is reviewed.

    ``submit_action``: the permission over the subject's organisation needed to submit,
    withdraw, resolve comments and request an adjustment. ``view_action``: an extra permission
    that lets read-only people (leaders) see the cases; submitters and reviewers always see
    them. ``row_key``: the key that identifies a row in the snapshot's tables, for comparing
    versions (see :mod:`jixiao.workflow.diff`).
    """

    key: str
    label: str
    submit_action: str
    levels: tuple[ReviewLevel, ...]
    view_action: str = ""
    row_key: str = "key"
    review_actions: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        if not self.levels:
            raise ValueError(f"workflow {self.key!r} needs at least one review level")
        object.__setattr__(self, "review_actions", frozenset(lv.action for lv in self.levels))

    def level_label(self, index: int | None) -> str:
        if index is None or not 0 <= index < len(self.levels):
            return ""
        return self.levels[index].label


_REGISTRY: dict[str, WorkflowDefinition] = {}


def register_definition(definition: WorkflowDefinition) -> WorkflowDefinition:
    """Make ``definition`` known by its key. Registering the same definition again is a no-op
    (``ready()`` may run twice in tests); a different one under a taken key is an error."""
    existing = _REGISTRY.get(definition.key)
    if existing is not None and existing != definition:
        raise ValueError(f"workflow {definition.key!r} is already registered")
    _REGISTRY[definition.key] = definition
    return definition


def get_definition(key: str) -> WorkflowDefinition:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise LookupError(f"unknown workflow {key!r}; register it in AppConfig.ready()") from None


def find_definition(key: str) -> WorkflowDefinition | None:
    """The definition named ``key``, or None (for display code that must not fail)."""
    return _REGISTRY.get(key)


def definitions(key: str | None = None) -> list[WorkflowDefinition]:
    """All registered definitions, or just the one named ``key``."""
    return [get_definition(key)] if key else list(_REGISTRY.values())


# --- Reviewer rules ------------------------------------------------------------------------


def ancestor_ids(organization: Organization) -> list[int]:
    """The ids of ``organization``'s ancestors, nearest last, read from its materialised path."""
    return [int(segment) for segment in organization.path.split(".") if segment][:-1]


@dataclass(frozen=True)
class AncestorOfKind:
    """A reviewer rule: the nearest active ancestor (never the organisation itself) of one of
    ``kinds`` — the supervising department above a budget unit, the finance bureau above
    everything. A department's own form therefore skips the department level. A dataclass
    rather than a closure, so that two definitions built alike compare equal."""

    kinds: tuple[str, ...]

    def __call__(self, organization: Organization) -> Organization | None:
        return (
            Organization.objects.filter(
                pk__in=ancestor_ids(organization), kind__in=self.kinds, is_active=True
            )
            .order_by("-depth")
            .first()
        )


def ancestor_of_kind(*kinds: str) -> AncestorOfKind:
    return AncestorOfKind(tuple(str(kind) for kind in kinds))
