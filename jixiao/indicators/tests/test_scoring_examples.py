"""The public examples of ``jixiao-sheet/1`` run through ``jixiao score`` (the CLI's ``main``)."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jixiao.indicators.scoring.cli import main

EXAMPLES = Path(__file__).parent / "examples"
SHEETS = sorted(
    path for path in EXAMPLES.glob("*.json") if not path.name.endswith(".expected.json")
)
REPO = Path(__file__).resolve().parents[3]
TOLERANCE = Decimal("0.01")


def expected_for(sheet: Path) -> dict[str, Any]:
    return json.loads(sheet.with_name(sheet.stem + ".expected.json").read_text("utf-8"))


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_matches(expected: Any, actual: Any, where: str = "") -> None:
    """Numbers to 0.01, everything else exactly; ``actual`` may add ``explain`` to items."""
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        assert actual == expected, where
    elif isinstance(expected, int | float):
        assert isinstance(actual, Decimal), f"{where}: {actual!r} is not a number"
        assert abs(actual - Decimal(str(expected))) < TOLERANCE, f"{where}: {actual} ≠ {expected}"
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), where
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            assert_matches(want, got, f"{where}[{index}]")
    else:
        assert isinstance(actual, dict), where
        assert set(actual) - set(expected) <= {"explain"}, f"{where}: extra {set(actual)}"
        for key, want in expected.items():
            assert key in actual, f"{where}: missing {key}"
            assert_matches(want, actual[key], f"{where}.{key}")


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda path: path.stem)
def test_example(sheet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = expected_for(sheet)
    argv = ["--audit", str(sheet)] if sheet.stem == "07-audit" else [str(sheet)]
    code, out, err = run_cli(capsys, *argv)
    if "exit_code" in expected:
        assert code == expected["exit_code"]
        assert out == ""
        for mention in expected["stderr_mentions"]:
            assert mention in err
        assert "Traceback" not in err
        return
    assert code == 0, err
    assert err == ""
    actual = json.loads(out, parse_float=Decimal, parse_int=Decimal)
    assert_matches(expected, actual)
    assert all(item["explain"] for item in actual["items"])


def test_output_field_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "--audit", str(EXAMPLES / "06-adjustment.json"))
    result = json.loads(out)
    assert code == 0
    assert list(result) == ["title", "scale", "total", "grade", "grade_label", "items", "audit"]
    adjusted = result["items"][1]
    assert list(adjusted) == ["path", "rule", "full", "score", "flags", "explain", "computed"]
    assert list(result["items"][0]) == ["path", "rule", "full", "score", "flags", "explain"]


def test_expected_explanations(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_cli(capsys, str(EXAMPLES / "01-project-self-evaluation.json"))
    explain = [item["explain"] for item in json.loads(out)["items"]]
    assert explain[0] == "执行数1083.60÷预算数1200.00＝90.30%，得分：90.30%×10＝9.03"
    assert explain[1] == "完成值22处＜指标值24处，按完成比例计分：22÷24×15＝13.75"
    assert explain[4].startswith(
        "定性评价：部分达成年度指标并具有一定效果，档位[3.00, 4.00)，评价人给分3.50"
    )


def test_not_applicable_and_adjusted_explanations(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_cli(capsys, str(EXAMPLES / "02-not-applicable.json"))
    assert json.loads(out)["items"][3]["explain"] == "不适用，剔除后按满分折算"
    _, out, _ = run_cli(capsys, str(EXAMPLES / "06-adjustment.json"))
    assert "按规则计得50.00，评价人调整为45.00，理由：第二批资金晚到两个月" in out


def test_refusal_names_the_scale(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, str(EXAMPLES / "04-invalid-total.json"))
    assert (code, out) == (2, "")
    assert "各末级指标分值合计为90，应等于满分100" in err


def test_audit_accepts_a_wrong_full_sum(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "--audit", str(EXAMPLES / "04-invalid-total.json"))
    audit = json.loads(out, parse_float=Decimal, parse_int=Decimal)["audit"]
    assert code == 0
    assert audit["full_sum"] == 90 and audit["full_sum_consistent"] is False
    assert audit["published_sum"] is None and audit["total_consistent"] is None


@pytest.mark.parametrize("sheet", SHEETS[:3], ids=lambda path: path.stem)
def test_table(sheet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "--table", "--audit", str(sheet))
    assert (code, err) == (0, "")
    assert "总分" in out and "等级" in out and "核查" in out
    assert expected_for(sheet)["grade_label"] in out


def test_table_without_rich(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "rich.console", None)
    code, out, _ = run_cli(capsys, "--table", str(EXAMPLES / "03-monthly-appraisal.json"))
    assert code == 0
    assert "总分：88.00（满分100）" in out and "加分5.00" in out


@pytest.mark.parametrize(
    ("argv", "mention"),
    [
        ([], "参数错误"),
        (["--bogus", "x.json"], "参数错误"),
        (["/nonexistent/sheet.json"], "文件不存在"),
        (["/"], "无法读取文件"),
    ],
)
def test_bad_command_lines(
    argv: list[str], mention: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, *argv)
    assert (code, out) == (2, "")
    assert mention in err and "Traceback" not in err


def test_help_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0
    assert "评分表" in out and "--audit" in out


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    text = (EXAMPLES / "03-monthly-appraisal.json").read_text("utf-8")
    monkeypatch.setattr(sys, "stdin", _Stdin(text.encode("utf-8")))
    code, out, _ = run_cli(capsys, "-")
    assert code == 0
    assert json.loads(out)["total"] == 88


class _Stdin:
    def __init__(self, data: bytes) -> None:
        import io

        self.buffer = io.BytesIO(data)


def test_module_runs_without_django() -> None:
    """``python -m jixiao.indicators.scoring.cli`` works and never imports Django."""
    code = (
        "import runpy, sys; sys.argv = ['cli', sys.argv[1]];"
        "import jixiao.indicators.scoring.cli;"
        "assert 'django' not in sys.modules, 'django imported';"
        "runpy.run_module('jixiao.indicators.scoring.cli', run_name='__main__')"
    )
    sheet = str(EXAMPLES / "01-project-self-evaluation.json")
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, sheet], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 93.78
    done = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "jixiao.indicators.scoring.cli",
            str(EXAMPLES / "04-invalid-total.json"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert "100" in done.stderr and "Traceback" not in done.stderr
