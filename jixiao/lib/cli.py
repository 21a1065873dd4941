"""Running services from the command line (X-4): what the ``jixiao import_*`` and ``export_*``
commands share, as :mod:`jixiao.lib.actions` does for pages.

- ``--as USERNAME`` names the person the command acts as: the services get that person as
  ``actor`` (so the same permission checks and scope apply as on the pages) and the audit trail
  records them with the source ``cli``.
- A refusal exits with :data:`EXIT_REFUSED`: an import that found errors prints every error on
  stderr as the pages list them (工作表“P001”第12行G列（分值）：应为数字，实际为“三十”) and then its
  summary; a missing right, an unknown person, file, round or sheet prints one Chinese message.
  The import functions are all or nothing, so nothing was written.
- ``--dry-run`` runs the whole import inside a transaction that is rolled back.
- Long work shows a progress line on stderr, only when stderr is a terminal (cron gets none).

Exit codes: 0 done; 2 refused (input, rights or arguments: nothing written); 1 anything else
(an unexpected failure, with its traceback).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from jixiao.audit.context import acting
from jixiao.documents.excel import ImportRefused
from jixiao.orgs.errors import DomainError

T = TypeVar("T")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_REFUSED = 2
SOURCE = "cli"  # the audit trail's source for everything a command does


def user_unknown(username: str) -> str:
    return _("没有用户名为“%(username)s”的启用账号。") % {"username": username}


def file_missing(path: str) -> str:
    return _("文件“%(path)s”不存在或不是文件。") % {"path": path}


def file_unwritable(path: str, reason: str) -> str:
    return _("无法写入文件“%(path)s”：%(reason)s") % {"path": path, "reason": reason}


def dry_run_done() -> str:
    return _("试运行（--dry-run）：以上结果已全部回滚，未写入任何数据。")


def refuse(message: str) -> CommandError:
    """The error a command raises for a refusal: Django prints it and exits with code 2."""
    return CommandError(message, returncode=EXIT_REFUSED)


# --- Arguments -------------------------------------------------------------------------------


def add_actor_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--as",
        dest="actor",
        required=True,
        metavar="USERNAME",
        help=_("以该用户的身份和权限执行；审计日志记为此人，来源为 cli"),
    )


def add_dry_run_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help=_("完整检查并执行导入，然后全部回滚，不写入任何数据"),
    )


def add_output_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help=_("导出的 Excel 文件（.xlsx）")
    )


# --- Who and what ----------------------------------------------------------------------------


def actor(username: str) -> Any:
    """The active account called ``username``; a refusal for anyone else."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise refuse(user_unknown(username))
    return user


def input_file(path: str) -> Path:
    """The workbook to import: it must exist (its content is the import function's to judge)."""
    file = Path(path)
    if not file.is_file():
        raise refuse(file_missing(path))
    return file


def in_scope(fetch: Callable[[], T], message: str) -> T:
    """What ``fetch`` (an access helper of the pages) returns; its 404 — missing, or outside the
    actor's scope, which must not be told apart — becomes a refusal with ``message``."""
    try:
        return fetch()
    except Http404:
        raise refuse(message) from None


def write_output(path: str, content: bytes) -> None:
    """Write ``content`` to ``path`` whole or not at all: a nightly job never leaves half a
    workbook where yesterday's was."""
    target = Path(path)
    try:
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".jixiao-", suffix=".part")
    except OSError as exc:
        raise refuse(file_unwritable(path, exc.strerror or str(exc))) from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.chmod(temporary, 0o666 & ~_umask())  # as open() would have made it, not 0600
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise refuse(file_unwritable(path, exc.strerror or str(exc))) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- Running ---------------------------------------------------------------------------------


@contextmanager
def run(user: Any, stderr: Any, *, label: str, dry_run: bool = False) -> Iterator[None]:
    """Run the body as ``user`` from the command line: audit source ``cli``, a progress line
    while it runs, refusals turned into exit code 2 (an import's errors listed on ``stderr``
    one per line), and with ``dry_run`` everything rolled back at the end."""
    try:
        with acting(source=SOURCE, actor=user), _rolled_back(dry_run), progress(label, stderr):
            yield
    except ImportRefused as refused:
        for line in refused.messages():
            stderr.write(line)
        raise refuse(refused.message) from None
    except DomainError as exc:  # a missing right (PermissionDeniedError), a locked record …
        raise refuse(exc.message) from None


@contextmanager
def _rolled_back(dry_run: bool) -> Iterator[None]:
    if not dry_run:
        yield
        return
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@contextmanager
def progress(
    label: str, stream: Any, *, counted: bool = False, total: int | None = None
) -> Iterator[Callable[[int, int], None]]:
    """A progress line on ``stream`` (shown only when it is a terminal, and cleared at the end).

    Yields ``advance(done, total)``. ``counted`` work reports its progress through it: a bar
    with counts and the time elapsed. Work that does not (the import functions take no
    callback) gets a spinner and the time elapsed."""
    console = Console(file=getattr(stream, "_out", stream))  # Django's OutputWrapper: its file
    columns: tuple[ProgressColumn, ...] = (
        (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        if counted
        else (SpinnerColumn(), TextColumn(label), TimeElapsedColumn())
    )
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as bar:
        task = bar.add_task(label, total=total)

        def advance(done: int, new_total: int) -> None:
            bar.update(task, completed=done, total=new_total)

        yield advance
