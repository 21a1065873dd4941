"""The public site (no login): disclosure pages of the domains and the survey answer pages.
Domains register their sections with :func:`add`; ``/public/`` lists them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.utils.functional import Promise


@dataclass(frozen=True)
class PublicSection:
    label: str | Promise  # translated when shown
    url_name: str
    description: str | Promise = ""
    order: int = 0


_SECTIONS: list[PublicSection] = []


def add(section: PublicSection) -> None:
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def sections() -> list[PublicSection]:
    return sorted(_SECTIONS, key=lambda s: (s.order, str(s.label)))
