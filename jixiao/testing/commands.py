"""Running management commands in tests: their output, or their refusal (exit code 2)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from jixiao.lib import cli


def run(*args: str) -> str:
    """Run a command; its stdout."""
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def refused(*args: str) -> tuple[str, list[str]]:
    """A command that must exit with code 2: its message and its stderr lines."""
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=io.StringIO(), stderr=err)
    assert caught.value.returncode == cli.EXIT_REFUSED  # noqa: S101 (a test helper)
    return str(caught.value), err.getvalue().splitlines()
