"""``jixiao recompute``: recompute a bureau's scores and grades of a year after a rule or
threshold change (issue 6, item 9), with a progress bar; old results go to the history."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jixiao.audit.context import acting
from jixiao.budget.evaluation import recompute
from jixiao.budget.evaluation.models import JobState, RecomputeJob
from jixiao.lib import cli
from jixiao.orgs.errors import DomainError
from jixiao.orgs.models import Organization, OrgKind


class Command(BaseCommand):
    help = "规则或等级线调整后，重新计算财政部门某年度的绩效自评得分和等级（保留历史结果）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bureau", required=True, help="财政部门的组织代码")
        parser.add_argument("--year", type=int, required=True, help="预算年度")
        parser.add_argument("--reason", default="规则调整", help="重新计分原因")
        parser.add_argument("--batch", type=int, default=recompute.BATCH, help="每批自评表数")
        parser.add_argument("--job", type=int, help="继续一个未完成的任务（任务编号）")

    def handle(self, *args: Any, **options: Any) -> None:
        with acting(source="cli"):
            job = self._job(options)
            job = self._run(job, options["batch"])
        self.stdout.write(
            f"完成：{job.done} 张自评表，{job.changed} 个结果有变化，规则版本 {job.rule_version}"
        )

    def _job(self, options: dict[str, Any]) -> RecomputeJob:
        if options["job"]:
            job = RecomputeJob.objects.filter(pk=options["job"]).first()
            if job is None or job.state not in (JobState.QUEUED, JobState.RUNNING):
                raise CommandError("没有该未完成的任务")
            return job
        bureau = Organization.objects.filter(
            code=options["bureau"], kind=OrgKind.FINANCE_BUREAU
        ).first()
        if bureau is None:
            raise CommandError(f"没有代码为 {options['bureau']} 的财政部门")
        try:
            return recompute.results_recompute(
                actor=None, bureau=bureau, fiscal_year=options["year"], reason=options["reason"]
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _run(self, job: RecomputeJob, batch: int) -> RecomputeJob:
        total = job.total or None
        with cli.progress("重新计分", self.stderr, counted=True, total=total) as advance:
            return recompute.recompute_job_run(job=job, batch=batch, progress=advance)
