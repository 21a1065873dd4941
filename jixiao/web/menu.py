"""The left menu, grouped by task. Apps add their entries with :func:`add`; an entry shows
only to users who may perform its action somewhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from jixiao.orgs import permissions as perms

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from jixiao.orgs.models import User

# The Chinese names are the keys apps pass to add(); menu_for translates them for display.
GROUPS = [
    gettext_noop("工作台"),
    gettext_noop("预算绩效"),
    gettext_noop("员工考核"),
    gettext_noop("政府绩效"),
    gettext_noop("系统管理"),
]


@dataclass(frozen=True)
class MenuEntry:
    group: str  # one of GROUPS, untranslated
    label: str | Promise  # translated when shown: _("首页")
    url_name: str
    icon: str
    # None: every signed-in user; a tuple: users who may perform any of these actions.
    action: str | tuple[str, ...] | None
    order: int = 0
    # Optional, after the action: a cheap test of the user's own data (one query at most,
    # remembered for the request by the app), e.g. "has government items".
    when: Callable[[User], bool] | None = None


_ENTRIES: list[MenuEntry] = []
# A group's own condition, checked before its entries: the domain concerns the user at all
# (a township's people do not see the budget menu because a role there allows its actions).
_GROUP_WHEN: dict[str, Callable[[User], bool]] = {}


def add(entry: MenuEntry) -> None:
    if entry.group not in GROUPS:
        raise ValueError(f"unknown menu group {entry.group!r}")
    if entry not in _ENTRIES:
        _ENTRIES.append(entry)


def group_when(group: str, when: Callable[[User], bool]) -> None:
    """Show ``group`` only to users for whom ``when(user)`` holds (one cheap check)."""
    if group not in GROUPS:
        raise ValueError(f"unknown menu group {group!r}")
    _GROUP_WHEN[group] = when


def _allowed(user: User, action: str | tuple[str, ...] | None) -> bool:
    if action is None:
        return True
    wanted = (action,) if isinstance(action, str) else action
    return any(perms.can(user, a) for a in wanted)


def menu_for(user: User, current_path: str = "") -> list[dict]:
    """Groups with the entries this user may open, in the fixed group order."""
    groups: dict[str, list[dict]] = {g: [] for g in GROUPS}
    shown: dict[str, bool] = {}  # a group's condition, asked once and only when needed
    for entry in sorted(_ENTRIES, key=lambda e: (e.order, str(e.label))):
        if not _allowed(user, entry.action):
            continue
        if entry.group not in shown:
            when = _GROUP_WHEN.get(entry.group)
            shown[entry.group] = when is None or when(user)
        if not shown[entry.group]:
            continue
        if entry.when is not None and not entry.when(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        active = (url != "/" and current_path.startswith(url)) or url == current_path
        groups[entry.group].append(
            {"label": str(entry.label), "url": url, "icon": entry.icon, "active": active}
        )
    return [{"name": gettext(g), "entries": e} for g, e in groups.items() if e]


add(MenuEntry("工作台", _("首页"), "home", "house", None, order=0))
add(MenuEntry("系统管理", _("组织机构"), "orgs:list", "diagram-3", perms.ORG_VIEW, order=10))
add(MenuEntry("系统管理", _("人员"), "orgs:people", "people", perms.USER_VIEW, order=20))
add(
    MenuEntry(
        "系统管理",
        _("组织机构及人员导入"),
        "orgs:import",
        "upload",
        (perms.ORG_MANAGE, perms.USER_MANAGE, perms.ROLE_ASSIGN),
        order=22,
    )
)
add(
    MenuEntry(
        "系统管理", _("指标模板"), "indicators:templates", "list-nested", "indicator.view", order=25
    )
)
add(MenuEntry("预算绩效", _("指标库"), "indicators:library", "book", "indicator.view", order=30))
add(MenuEntry("系统管理", _("锁定账号"), "orgs:locked", "lock", perms.ACCOUNT_UNLOCK, order=30))
add(MenuEntry("系统管理", _("审计日志"), "audit:list", "journal-text", perms.AUDIT_VIEW, order=40))
add(MenuEntry("系统管理", _("管理后台"), "admin:index", "gear", perms.ADMIN_SITE, order=90))
add(
    MenuEntry(
        "工作台",
        _("期间与截止"),
        "periods:deadlines",
        "calendar-check",
        perms.DEADLINE_VIEW,
        order=5,
    )
)
