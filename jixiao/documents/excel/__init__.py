"""Excel in and out for every form, driven by one layout description per form.

Declare a :class:`Layout` (title, header fields at fixed cells, a table of typed columns,
footer fields), then ``export_workbook(layout, [SheetData(...)])`` writes it and
``read_workbook(file, layout)`` reads it back, or raises :class:`ImportRefused` listing every
error with sheet, row, column and a Chinese message. ``iter_sheets`` streams large workbooks.

A domain's import, all or nothing::

    errors = ImportErrors()
    sheets = read_workbook(upload, TARGET_DECLARATION, errors=errors)
    for sheet in sheets:                       # the domain's own checks, located by cell
        if not project_exists(sheet.fields["code"]):
            sheet.error(errors, "项目库中没有该项目", key="code")
    errors.raise_if_any()                      # ImportRefused: nothing written
    with transaction.atomic():
        ...                                    # bulk writes

or, for very large files, validate and write in batches inside one transaction and call
``errors.raise_if_any()`` before it commits, so any error rolls everything back.
"""

from jixiao.documents.excel.cells import (
    Bool,
    CellType,
    Choice,
    Date,
    Integer,
    Invalid,
    Number,
    Text,
    column_index,
    column_letter,
)
from jixiao.documents.excel.errors import CellError, ImportErrors, ImportRefused
from jixiao.documents.excel.importing import (
    SheetStream,
    TableRow,
    iter_sheets,
    parse_sheet,
    read_workbook,
)
from jixiao.documents.excel.reading import SheetRow, WorkbookReader, normalise, read_rows
from jixiao.documents.excel.schema import (
    Column,
    Field,
    FooterField,
    Label,
    Layout,
    SheetData,
    Table,
)
from jixiao.documents.excel.writing import WorkbookWriter, export_workbook, sheet_name

__all__ = [
    "Bool",
    "CellError",
    "CellType",
    "Choice",
    "Column",
    "Date",
    "Field",
    "FooterField",
    "ImportErrors",
    "ImportRefused",
    "Integer",
    "Invalid",
    "Label",
    "Layout",
    "Number",
    "SheetData",
    "SheetRow",
    "SheetStream",
    "Table",
    "TableRow",
    "Text",
    "WorkbookReader",
    "WorkbookWriter",
    "column_index",
    "column_letter",
    "export_workbook",
    "iter_sheets",
    "normalise",
    "parse_sheet",
    "read_rows",
    "read_workbook",
    "sheet_name",
]
