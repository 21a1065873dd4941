"""Government performance assessment through the API (GOV-1…5): schemes, items, values and
results."""

from ninja import Router

router = Router(tags=["政府绩效管理"])
