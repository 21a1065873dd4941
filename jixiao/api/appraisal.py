"""Employee appraisal through the API (EMP-1…7): rule sets, monthly scores, pay results and
department tables."""

from ninja import Router

router = Router(tags=["员工绩效考核"])
