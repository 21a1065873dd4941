"""``jixiao token create|list|revoke``: API tokens from the command line (X-3, X-4).

The command acts as the system (actor None, audit source "cli"); the token is printed once and
only its hash is stored.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jixiao.api import services
from jixiao.api.models import ApiToken
from jixiao.audit.context import acting
from jixiao.orgs.errors import DomainError
from jixiao.orgs.models import User

USER_NOT_FOUND = "用户“{username}”不存在。"
TOKEN_NOT_FOUND = "编号为 {id} 的令牌不存在。"  # noqa: S105 (a message, not a secret)
SHOWN_ONCE = "请立即妥善保存该令牌：它只显示这一次，系统中只保存其摘要。"


def _fmt(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(BaseCommand):
    help = "管理接口令牌：签发（create）、列出（list）、吊销（revoke）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="为人员签发令牌（令牌只显示一次）")
        create.add_argument("username", help="令牌所属人员的用户名")
        create.add_argument("--name", required=True, help="用途，如“预算一体化系统”")
        create.add_argument("--days", type=int, help="有效天数；不填则长期有效")
        sub.add_parser("list", help="列出全部令牌（不含令牌本身）")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("id", type=int, help="令牌编号（见 list）")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"_{options['subcommand']}")
        with acting(source="cli"):
            try:
                handler(options)
            except DomainError as exc:
                raise CommandError(exc.message) from exc

    def _create(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(USER_NOT_FOUND.format(username=options["username"]))
        days = options["days"]
        expires_at = timezone.now() + timedelta(days=days) if days is not None else None
        token, raw = services.api_token_create(
            actor=None, user=user, name=options["name"], expires_at=expires_at
        )
        self.stdout.write(raw)
        self.stderr.write(f"已签发令牌 {token.pk}（{token}），有效期至 {_fmt(expires_at)}。")
        self.stderr.write(SHOWN_ONCE)

    def _list(self, options: dict[str, Any]) -> None:
        now = timezone.now()
        self.stdout.write("编号\t前缀\t名称\t人员\t状态\t创建时间\t最近使用\t有效期至")
        for token in ApiToken.objects.select_related("user").order_by("pk"):
            row = [
                str(token.pk),
                token.prefix,
                token.name,
                token.user.username,
                str(token.status_at(now).label),
                _fmt(token.created_at),
                _fmt(token.last_used_at),
                _fmt(token.expires_at),
            ]
            self.stdout.write("\t".join(row))

    def _revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=options["id"]).first()
        if token is None:
            raise CommandError(TOKEN_NOT_FOUND.format(id=options["id"]))
        services.api_token_revoke(actor=None, token=token)
        self.stdout.write(f"已吊销令牌 {token.pk}（{token}）。")
