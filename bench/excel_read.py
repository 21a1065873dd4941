"""Benchmark of the Excel engine: export, raw reading, validated import, against openpyxl.

    .venv/bin/python bench/excel_read.py            # 5 000 projects × 20 indicators
    .venv/bin/python bench/excel_read.py --quick    # 500 projects, a few seconds

Builds the workbook the budget import will see — one target declaration per sheet (header
block, funds, goals, 20 indicator rows, footer), 100 000 indicator rows in all — with
``WorkbookWriter``, and a list workbook of the same 100 000 rows in one sheet. Each phase runs
in its own process so that its peak resident memory (RSS) is its own:

| phase | what is timed |
| --- | --- |
| `export` | writing the declarations workbook (XlsxWriter, constant memory) |
| `read_raw` | ``WorkbookReader.rows`` over every sheet: calamine plus normalised values |
| `import_forms` | ``iter_sheets`` with the layout: every value typed and validated |
| `import_list` | the same rows as one 100 000-row list sheet |
| `naive` | openpyxl, cell by cell (``ws.cell(r, c).value``), on a sample of sheets |

Rows per second count table rows (indicators). The last line printed is one JSON object.
Needs no database: the write side of an import belongs to the domain's own benchmark.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jixiao.documents.excel import (
    ImportErrors,
    WorkbookReader,
    WorkbookWriter,
    iter_sheets,
)
from jixiao.documents.tests.layouts import INDICATOR_LIST, TARGET_DECLARATION, declaration

INDICATORS = 20
NAIVE_SHEETS = 100


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_export(path: Path, projects: int) -> dict[str, Any]:
    started = time.perf_counter()
    with WorkbookWriter(path) as writer:
        for number in range(projects):
            writer.add_data(TARGET_DECLARATION, declaration(number, indicators=INDICATORS))
    return {"seconds": time.perf_counter() - started, "rows": projects * INDICATORS}


def phase_export_list(path: Path, projects: int) -> dict[str, Any]:
    def rows():  # type: ignore[no-untyped-def]
        for number in range(projects):
            for row in declaration(number, indicators=INDICATORS).rows:
                yield {"project": f"P{number:05d}", **row, "weight": 5}

    started = time.perf_counter()
    with WorkbookWriter(path) as writer:
        writer.add_sheet(INDICATOR_LIST, name="指标清单", rows=rows())
    return {"seconds": time.perf_counter() - started, "rows": projects * INDICATORS}


def phase_read_raw(path: Path) -> dict[str, Any]:
    started = time.perf_counter()
    count = 0
    with WorkbookReader(path) as reader:
        for name in reader.sheet_names:
            for _row in reader.rows(name):
                count += 1
    return {"seconds": time.perf_counter() - started, "sheet_rows": count}


def phase_import(path: Path, layout_name: str, trace: bool) -> dict[str, Any]:
    layout = {"forms": TARGET_DECLARATION, "list": INDICATOR_LIST}[layout_name]
    errors = ImportErrors()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    rows = sheets = 0
    with WorkbookReader(path) as reader:
        for sheet in iter_sheets(reader, layout, errors):
            sheets += 1
            for _row in sheet.rows:
                rows += 1
    seconds = time.perf_counter() - started
    result = {"seconds": seconds, "rows": rows, "sheets": sheets, "errors": errors.total}
    if trace:
        result["python_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    return result


def phase_naive(path: Path, sheets: int) -> dict[str, Any]:
    """openpyxl in its ordinary mode, cell by cell, as a first implementation would — on a
    workbook of ``sheets`` declarations of its own (loading all 5 000 would take minutes)."""
    import openpyxl

    phase_export(path, sheets)
    started = time.perf_counter()
    book = openpyxl.load_workbook(path, data_only=True)
    rows = 0
    for ws in book.worksheets:
        fields = [ws.cell(r, 2).value for r in range(2, 11)]
        for r in range(13, ws.max_row + 1):
            values = [ws.cell(r, c).value for c in range(1, 9)]
            if values[2] is None or str(values[0]).startswith("填报人"):
                continue
            rows += 1
        del fields
    return {"seconds": time.perf_counter() - started, "rows": rows, "sheets": sheets}


def run_phase(args: list[str]) -> dict[str, Any]:
    """Run one phase in a fresh process; its last output line is its JSON result."""
    command = [sys.executable, __file__, "--phase", *args]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    return json.loads(output.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=5000)
    parser.add_argument("--quick", action="store_true", help="500 projects")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        return single_phase(args.phase)
    projects = 500 if args.quick else args.projects
    with tempfile.TemporaryDirectory() as tmp:
        forms, listed = Path(tmp) / "forms.xlsx", Path(tmp) / "list.xlsx"
        results = {
            "export": run_phase(["export", str(forms), str(projects)]),
            "export_list": run_phase(["export_list", str(listed), str(projects)]),
            "read_raw": run_phase(["read_raw", str(forms)]),
            "import_forms": run_phase(["import", str(forms), "forms"]),
            "import_list": run_phase(["import", str(listed), "list"]),
            "import_forms_traced": run_phase(["import", str(forms), "forms", "trace"]),
            "naive": run_phase(["naive", str(Path(tmp) / "naive.xlsx"), str(NAIVE_SHEETS)]),
        }
        sizes = {"forms_mb": forms.stat().st_size / 2**20, "list_mb": listed.stat().st_size / 2**20}
    report(results, sizes, projects)
    return 0


def single_phase(phase: list[str]) -> int:
    name, path, *rest = phase
    if name == "export":
        result = phase_export(Path(path), int(rest[0]))
    elif name == "export_list":
        result = phase_export_list(Path(path), int(rest[0]))
    elif name == "read_raw":
        result = phase_read_raw(Path(path))
    elif name == "import":
        result = phase_import(Path(path), rest[0], trace=len(rest) > 1)
    else:
        result = phase_naive(Path(path), int(rest[0]))
    result["rss_mb"] = rss_mb()
    print(json.dumps(result))
    return 0


def report(results: dict[str, dict[str, Any]], sizes: dict[str, float], projects: int) -> None:
    def per_s(phase: str, key: str = "rows") -> float:
        return results[phase][key] / results[phase]["seconds"]

    figures = {
        "projects": projects,
        "indicator_rows": projects * INDICATORS,
        **{k: round(v, 2) for k, v in sizes.items()},
        "export_rows_per_s": round(per_s("export")),
        "export_rss_mb": round(results["export"]["rss_mb"]),
        "export_list_rows_per_s": round(per_s("export_list")),
        "read_raw_sheet_rows_per_s": round(per_s("read_raw", "sheet_rows")),
        "import_forms_rows_per_s": round(per_s("import_forms")),
        "import_forms_rss_mb": round(results["import_forms"]["rss_mb"]),
        "import_forms_python_peak_mb": round(results["import_forms_traced"]["python_peak_mb"], 2),
        "import_list_rows_per_s": round(per_s("import_list")),
        "import_list_rss_mb": round(results["import_list"]["rss_mb"]),
        "naive_rows_per_s": round(per_s("naive")),
        "naive_rss_mb": round(results["naive"]["rss_mb"]),
    }
    figures["speedup_vs_naive"] = round(
        figures["import_forms_rows_per_s"] / figures["naive_rows_per_s"], 1
    )
    for key, value in figures.items():
        print(f"{key:32} {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    sys.exit(main())
