"""The ``jixiao`` command: the administrator's CLI (X-4).

``jixiao score`` runs the pure scoring engine without starting Django; every other
sub-command is a Django management command (``jixiao demo``, ``jixiao serve``,
``jixiao remind``, ``jixiao migrate`` …), so ``jixiao help`` lists them all.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "score":
        from jixiao.indicators.scoring.cli import main as score_main

        return score_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jixiao", *(args or ["help"])])
    return 0


if __name__ == "__main__":
    sys.exit(main())
