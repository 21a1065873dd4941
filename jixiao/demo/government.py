"""Demo data for government (filled in by its own module)."""

from __future__ import annotations

from datetime import date

from jixiao.orgs.models import Organization


def build(today: date, by_name: dict[str, Organization]) -> None:
    """Create the demo's government data through the services."""
