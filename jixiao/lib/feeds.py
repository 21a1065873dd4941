"""Scores that one domain keeps about an organisation and another domain's assessment takes as
an item's actual value — the budget bureau's finalised appraisal of a department's
budget-performance work (BUD-14) feeding that department's government assessment (GOV) —
through a registry, so that neither domain imports the other (docs/architecture.md).

The domain that keeps the score registers a :class:`Source` from its ``AppConfig.ready()``;
the one that takes it looks the source up by key and asks for the latest stored value of an
organisation and year. A value is stored, never computed on the fly: ``reference`` names the
stored row it came from, so what an item took stays traceable after the source moves on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class FedValue:
    value: Decimal  # 0–100
    explanation: str  # how the value was obtained, in Chinese, one line
    reference: str  # the stored row it came from, e.g. "budget.department_appraisal_row:12"
    version: str  # which version, for people: "第2版（2027-03-01定稿）"
    as_of: datetime  # when the source stored it


@dataclass(frozen=True)
class Source:
    key: str  # "budget.department_appraisal"
    label: str  # "预算绩效管理工作考核"
    item_name: str  # the name of the item it usually feeds: "预算绩效管理工作"
    # (organization, year) → the latest stored value, or None when nothing is stored.
    latest: Callable[[Any, int], FedValue | None]
    # The year of the source's figures that an assessment of a year takes (the same year
    # unless the source's work of a year is finished in the next, as the budget cycle's).
    source_year: Callable[[int], int] = lambda year: year

    def for_assessment(self, organization: Any, year: int) -> FedValue | None:
        """The value an assessment of ``year`` takes: that of ``source_year(year)``."""
        return self.latest(organization, self.source_year(year))


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    _SOURCES[source.key] = source


def get(key: str) -> Source | None:
    return _SOURCES.get(key)


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda s: s.key)
