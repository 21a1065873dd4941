"""gunicorn settings of ``jixiao serve``: the background worker (``jixiao worker``) starts with
the server and stops with it. ``JIXIAO_NO_WORKER=1`` (``serve --no-worker``) leaves it out,
for a server whose worker runs elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

_worker: subprocess.Popen[bytes] | None = None


def on_starting(server: Any) -> None:
    global _worker
    if os.environ.get("JIXIAO_NO_WORKER") == "1":
        return
    command = [sys.executable, "-m", "jixiao.cli", "worker"]
    _worker = subprocess.Popen(command)  # noqa: S603 (this interpreter, a fixed command)
    server.log.info("background worker started (pid %s)", _worker.pid)


def on_exit(server: Any) -> None:
    global _worker
    if _worker is None:
        return
    if _worker.poll() is None:
        _worker.terminate()
        try:
            _worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            _worker.kill()
    server.log.info("background worker stopped")
    _worker = None
