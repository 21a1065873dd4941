"""Demo data for surveys (filled in by its own module)."""

from __future__ import annotations

from datetime import date

from jixiao.orgs.models import Organization


def build(today: date, by_name: dict[str, Organization]) -> None:
    """Create the demo's surveys data through the services."""
