"""Double monitoring through the API (BUD-5): rounds, monitoring forms, spending figures pushed
by the budget system, and warnings."""

from ninja import Router

router = Router(tags=["预算执行监控"])
