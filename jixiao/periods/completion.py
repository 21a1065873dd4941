"""What a domain knows about work already done when a deadline is set.

Domain services complete a deadline when an organisation finishes the work of its topic
(``services.deadline_complete_by_topic``). A deadline set *after* some organisations have
finished would otherwise wait for a submission that already happened, and remind them. A domain
registers, per topic, a function that names the deadline's targets whose work is already done;
``services.deadline_create`` completes them at once. The core never imports a domain: domains
register from their ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jixiao.orgs.models import Organization
    from jixiao.periods.models import Deadline

Done = Callable[["Deadline", list["Organization"]], Iterable["Organization"]]
_DONE: dict[str, Done] = {}


def register(topic: str, done: Done) -> None:
    """``done(deadline, targets)`` → the targets whose work of ``topic`` is already done."""
    _DONE[topic] = done


def already_done(deadline: Deadline, targets: list[Organization]) -> list[Organization]:
    done = _DONE.get(deadline.topic)
    return list(done(deadline, targets)) if done is not None and targets else []
