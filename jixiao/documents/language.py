"""The official forms are Chinese, whatever language the user reads the pages in.

Choice labels are ``gettext_lazy`` so that an English page shows "Draft"; a workbook in an
official layout, a PDF or Word report, a stored snapshot or a notification must still say
草稿. Exporters and print functions run inside :func:`in_official_language` (a decorator on
their entry point); code that writes a label into stored text takes it through
:func:`official_text` or a ``with official_language():`` block. Module-level tables built
from labels (an import's label → value map) use :func:`official_text` too, so that they do not
depend on the language of the request that happened to import the module first.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.utils import translation

OFFICIAL_LANGUAGE = "zh-hans"

P = ParamSpec("P")
R = TypeVar("R")


def official_language() -> translation.override:
    """A fresh ``with`` block in the official language (the previous language comes back
    after it)."""
    return translation.override(OFFICIAL_LANGUAGE)


def in_official_language(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` in the official language. Not for generators: the block would end before
    they run."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(OFFICIAL_LANGUAGE):
            return func(*args, **kwargs)

    return wrapper


def official_text(value: Any) -> str:
    """``value`` (a lazy label, a string) as text in the official language."""
    with translation.override(OFFICIAL_LANGUAGE):
        return str(value)
