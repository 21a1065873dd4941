"""``jixiao score [--audit] [--table] SHEET.json|-``: score a ``jixiao-sheet/1`` sheet.

Prints the result as JSON (or a table) and exits 0; a sheet that cannot be scored gives exit code
2, a Chinese message on standard error naming the item and the problem, and nothing on standard
output. Does not import Django.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from decimal import Decimal
from typing import IO, Any, NoReturn

from .audit import audit_sheet
from .engine import SheetResult, score_sheet
from .fields import clip
from .model import FLAG_ADJUSTED, FLAG_EXPLANATION_REQUIRED, FLAG_NOT_APPLICABLE
from .numbers import plain
from .sheet import SheetError, parse_sheet

EXIT_OK = 0
EXIT_REFUSED = 2

MSG_PREFIX = "jixiao score：无法计分："
MSG_USAGE = "参数错误：{message}"
MSG_READ = "无法读取文件“{name}”：{reason}"
MSG_NOT_FOUND = "文件不存在"
MSG_IS_DIRECTORY = "这是一个目录"
MSG_PERMISSION = "没有读取权限"
MSG_NOT_UTF8 = "文件“{name}”不是有效的 UTF-8 文本（第{position}个字节处）"
MSG_BAD_JSON = "文件“{name}”不是有效的 JSON：第{line}行第{column}列（{detail}）"
MSG_TOO_DEEP = "文件“{name}”的 JSON 嵌套层数过深"
MSG_INTERNAL = "内部错误（请报告此问题）：{error}"
STDIN_NAME = "标准输入"

FLAG_LABELS = {
    FLAG_EXPLANATION_REQUIRED: "须说明偏差原因",
    FLAG_NOT_APPLICABLE: "不适用",
    FLAG_ADJUSTED: "评价人已调整",
}


class _UsageError(Exception):
    """argparse found a bad command line."""


#: argparse's English messages that users meet, in Chinese.
_ARGPARSE_MESSAGES = {
    "the following arguments are required: ": "缺少参数：",
    "unrecognized arguments: ": "无法识别的参数：",
    "ignored explicit argument ": "该选项不接受取值：",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for english, chinese in _ARGPARSE_MESSAGES.items():
            message = message.replace(english, chinese)
        raise _UsageError(MSG_USAGE.format(message=message))


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``jixiao score``, with Chinese help."""
    parser = _Parser(
        prog="jixiao score",
        description="按 jixiao-sheet/1 格式计算评分表的得分、总分和等级，结果以 JSON 输出。",
        epilog="无法计分时退出码为2，并在标准错误输出中文说明（指明指标路径和问题）。",
        add_help=False,
        formatter_class=_Formatter,
    )
    parser._positionals.title = "参数"
    parser._optionals.title = "选项"
    parser.add_argument("sheet", metavar="SHEET.json", help="评分表文件；“-”表示从标准输入读取")
    parser.add_argument(
        "--audit",
        action="store_true",
        help="再评价核查：对比单位自填得分（published_score、published_total），分值合计有误时只报告不拒绝",
    )
    parser.add_argument("--table", action="store_true", help="以中文表格输出，而不是 JSON")
    parser.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``jixiao score``; returns the exit code (0 scored, 2 refused)."""
    stdout, stderr = sys.stdout, sys.stderr
    try:
        args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
        data = load_json(args.sheet)
        sheet = parse_sheet(data, audit=args.audit)
        result = audit_sheet(sheet) if args.audit else score_sheet(sheet)
        text = render_table(result) if args.table else result.to_json() + "\n"
    except _UsageError as error:
        return _refuse(stderr, [str(error), build_parser().format_usage().strip()])
    except SheetError as error:
        return _refuse(stderr, error.messages)
    except _InputError as error:
        return _refuse(stderr, [str(error)])
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else EXIT_OK
    except Exception as error:  # never a traceback for the user (JIXIAO_DEBUG=1 shows it)
        if os.environ.get("JIXIAO_DEBUG"):
            raise
        return _refuse(stderr, [MSG_INTERNAL.format(error=clip(repr(error)))])
    try:
        _write(stdout, text)
    except BrokenPipeError:  # e.g. piped into ``head``: the reader has what it wanted
        _silence_stdout()
    return EXIT_OK


def _refuse(stderr: IO[str], messages: list[str]) -> int:
    _write(stderr, MSG_PREFIX + "\n" + "".join(f"  {message}\n" for message in messages))
    return EXIT_REFUSED


def _write(stream: IO[str], text: str) -> None:
    """Write in one piece, as UTF-8 even where the locale's encoding is another."""
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "")
    buffer = getattr(stream, "buffer", None)
    if encoding != "utf8" and buffer is not None:
        stream.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
        return
    stream.write(text)
    stream.flush()


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class _InputError(Exception):
    """The input is not a readable JSON document."""


def load_json(name: str) -> Any:
    """The decoded document, numbers as ``Decimal`` (NaN and Infinity too: the sheet refuses)."""
    shown = STDIN_NAME if name == "-" else clip(name)
    text = _decode(_read_bytes(name, shown), shown)
    try:
        return json.loads(text, parse_float=Decimal, parse_int=Decimal, parse_constant=Decimal)
    except json.JSONDecodeError as error:
        detail = error.msg
        raise _InputError(
            MSG_BAD_JSON.format(name=shown, line=error.lineno, column=error.colno, detail=detail)
        ) from error
    except RecursionError as error:
        raise _InputError(MSG_TOO_DEEP.format(name=shown)) from error


def _read_bytes(name: str, shown: str) -> bytes:
    if name == "-":
        stream = sys.stdin
        buffer = getattr(stream, "buffer", None)
        return (
            buffer.read() if buffer is not None else stream.read().encode("utf-8", "surrogatepass")
        )
    try:
        with open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError as error:
        raise _InputError(MSG_READ.format(name=shown, reason=MSG_NOT_FOUND)) from error
    except IsADirectoryError as error:
        raise _InputError(MSG_READ.format(name=shown, reason=MSG_IS_DIRECTORY)) from error
    except PermissionError as error:
        raise _InputError(MSG_READ.format(name=shown, reason=MSG_PERMISSION)) from error
    except (OSError, ValueError) as error:
        reason = clip(getattr(error, "strerror", None) or str(error))
        raise _InputError(MSG_READ.format(name=shown, reason=reason)) from error


def _decode(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _InputError(MSG_NOT_UTF8.format(name=shown, position=error.start + 1)) from error


# --- the table --------------------------------------------------------------------------------


def table_rows(result: SheetResult) -> list[list[str]]:
    """One row per leaf: 指标, 规则, 分值, 得分, 标记, 说明."""
    rows = []
    for item in result.items:
        leaf = item.leaf
        rows.append(
            [
                " / ".join(leaf.path),
                leaf.rule.label,
                "—" if leaf.full is None else plain(leaf.full),
                "—" if item.score is None else plain(item.score),
                "、".join(FLAG_LABELS.get(flag, flag) for flag in item.flags),
                item.explain,
            ]
        )
    return rows


def summary_lines(result: SheetResult) -> list[str]:
    """Totals, grade and audit findings, one line each."""
    lines = [
        f"总分：{plain(result.total)}（满分{plain(result.scale)}）　等级：{result.grade.label}"
    ]
    if result.bonus_total or result.penalty_total:
        lines.append(
            f"其中计分指标{plain(result.scored_total)}，加分{plain(result.bonus_total)}，"
            f"扣分{plain(result.penalty_total)}"
        )
    audit = result.audit
    if audit is not None:
        lines.append(
            f"核查：分值合计{plain(audit.full_sum)}（{_yes_no(audit.full_sum_consistent)}）"
        )
        for deviation in audit.deviations:
            lines.append(
                f"核查：“{' / '.join(deviation.path)}”自评{plain(deviation.published)}，"
                f"核定{plain(deviation.computed)}，相差{plain(deviation.difference)}"
            )
        published = "—" if audit.published_total is None else plain(audit.published_total)
        summed = "—" if audit.published_sum is None else plain(audit.published_sum)
        lines.append(
            f"核查：自评总分{published}，自评各项合计{summed}（{_yes_no(audit.total_consistent)}）"
        )
    return lines


def _yes_no(value: bool | None) -> str:
    return "无法核对" if value is None else ("一致" if value else "不一致")


HEADERS = ["指标", "规则", "分值", "得分", "标记", "说明"]
#: Width of the table when standard output is not a terminal.
TABLE_WIDTH = 160


def render_table(result: SheetResult) -> str:
    """A readable Chinese table (with ``rich`` when installed, plain text otherwise)."""
    try:
        return _rich_table(result)
    except ImportError:
        return _plain_table(result)


def _rich_table(result: SheetResult) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(result.title or "评分结果"), show_lines=True)
    for header in HEADERS:
        justify = "right" if header in ("分值", "得分") else "left"
        table.add_column(header, justify=justify, overflow="fold")  # Chinese has no spaces
    for row in table_rows(result):
        table.add_row(*(Text(cell) for cell in row))
    width = max(shutil.get_terminal_size((TABLE_WIDTH, 24)).columns, 80)
    console = Console(width=width, force_terminal=False, color_system=None)
    with console.capture() as capture:
        console.print(table)
        for line in summary_lines(result):
            console.print(Text(line))
    return capture.get()


def _plain_table(result: SheetResult) -> str:
    lines = [result.title or "评分结果", "\t".join(HEADERS)]
    lines += ["\t".join(row) for row in table_rows(result)]
    lines += summary_lines(result)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
