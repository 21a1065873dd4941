"""The recompute jobs' step for the background worker (:mod:`jixiao.web.worker`): one batch of
the oldest unfinished job. The page's polling and the worker may both advance a job; each
batch locks the job row, so they take turns."""

from __future__ import annotations

from jixiao.budget.evaluation import recompute
from jixiao.budget.evaluation.models import JobState, RecomputeJob


def recompute_pending() -> bool:
    """One batch of the oldest queued or running job; False when there is none."""
    job = (
        RecomputeJob.objects.filter(state__in=[JobState.QUEUED, JobState.RUNNING])
        .order_by("pk")
        .first()
    )
    if job is None:
        return False
    recompute.recompute_job_step(job=job)
    return True
