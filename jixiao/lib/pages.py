"""One page of a list for list pages: every list that can grow with a province's data is
paginated (50 rows by default), never cut off silently; ``includes/pagination.html`` shows
the total and the links, keeping the page's filters."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(request: HttpRequest, rows: Any, size: int | None = None) -> Page:
    """The page of ``rows`` (a queryset or a list) that ``?page=`` asks for; a page number out
    of range gives the last page, a non-number the first."""
    return Paginator(rows, size or PAGE_SIZE).get_page(request.GET.get("page"))
