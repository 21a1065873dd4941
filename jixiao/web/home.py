"""What the home page shows: a block per area the user works in. Apps add blocks with
:func:`add`; each block is a function returning a context dict, or None to stay hidden."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Block = Callable[[Any], dict[str, Any] | None]


@dataclass(frozen=True)
class HomeBlock:
    order: int
    template: str
    build: Block


_BLOCKS: list[HomeBlock] = []


def add(order: int, template: str, build: Block) -> None:
    _BLOCKS.append(HomeBlock(order, template, build))


def blocks_for(user: Any) -> list[dict[str, Any]]:
    result = []
    for block in sorted(_BLOCKS, key=lambda b: b.order):
        context = block.build(user)
        if context is not None:
            result.append({"template": block.template, **context})
    return result
