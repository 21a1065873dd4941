"""Surveys through the API (BUD-9, GOV-5): questionnaires, their answers' figures."""

from ninja import Router

router = Router(tags=["问卷调查"])
