"""Hostile workbooks are refused by name before they can exhaust memory or kill the process.

Every file here is built by hand with zipfile, so the test says exactly what the bytes are.
Each is read the way an upload or `okr-health ingest` reads it (`read_sources`), and must
come back as an error naming the file — quickly, without tables, and without the test
process (standing in for the dashboard server) dying.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import openpyxl
import openpyxl.xml
import pytest
from python_calamine import CalamineWorkbook
from streamlit.testing.v1 import AppTest

from pipelines.ingest import read_sources
from pipelines.read.sandbox import ChildFailed, run_in_child
from pipelines.read.sheets import workbook_sheets
from pipelines.settings import Settings, SettingsError

DATA_PAGE = str(Path(__file__).resolve().parents[2] / "dashboard" / "views" / "data.py")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>Grow revenue</t></is></c>'
    '<c r="B2" t="inlineStr"><is><t>2025-Q3</t></is></c></row>'
)
STRINGS = (
    f'<sst xmlns="{MAIN}" count="2" uniqueCount="2"><si><t>objective</t></si>'
    "<si><t>cycle</t></si></sst>"
)
LAUGHS = (  # "billion laughs": ten levels of ten references each, 10^9 copies of "lol"
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OFFICE}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{OFFICE}.sharedStrings+xml"/>'
    "</Types>"
)
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


CHART = "chartsheets/sheet1.xml"


def sheet_xml(rows: str = ROWS, prolog: str = "", dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'{HEAD}{prolog}<worksheet xmlns="{MAIN}">{dim}<sheetData>{rows}</sheetData></worksheet>'


def xlsx(
    sheet: str | bytes | None = None,
    strings: str = HEAD + STRINGS,
    extra_parts: tuple[tuple[str, bytes | str], ...] = (),
    chart_sheet: bool = False,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A minimal workbook: one worksheet "Objectives" (and a chart sheet when asked)."""
    sheets = '<sheet name="Objectives" sheetId="1" r:id="rId1"/>'
    rels = (
        f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    )
    if chart_sheet:
        sheets += '<sheet name="Chart1" sheetId="2" r:id="rId3"/>'
        rels += f'<Relationship Id="rId3" Type="{RELS}/chartsheet" Target="{CHART}"/>'
    parts: list[tuple[str, bytes | str]] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", f'{HEAD}<Relationships xmlns="{PKG_RELS}"><Relationship Id="rId1" '
         f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml", f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{sheets}'
         "</sheets></workbook>"),
        ("xl/_rels/workbook.xml.rels", f'{HEAD}<Relationships xmlns="{PKG_RELS}">{rels}'
         "</Relationships>"),
        ("xl/worksheets/sheet1.xml", sheet if sheet is not None else sheet_xml()),
        ("xl/sharedStrings.xml", strings),
    ]  # fmt: skip
    if chart_sheet:
        parts.append(("xl/chartsheets/sheet1.xml", f'{HEAD}<chartsheet xmlns="{MAIN}"/>'))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in (*parts, *extra_parts):
            archive.writestr(name, content)
    return buffer.getvalue()


def far_cell_workbook() -> bytes:
    """A1 and XFD1048576: the reader would build the 17-billion-cell grid between them."""
    return xlsx(sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                          '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))  # fmt: skip


def zip_bomb() -> bytes:
    """300 MB of sheet XML in about 300 KB: a 1,000-to-1 part."""
    return xlsx(sheet_xml(ROWS + " " * (300 * 1024 * 1024)))


def lying_sizes() -> bytes:
    """A part whose declared unpacked size is smaller than what its stream unpacks to."""
    data = bytearray(xlsx(sheet_xml(ROWS * 50)))
    real = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml").file_size
    fake = (200).to_bytes(4, "little")
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if int.from_bytes(data[start + offset : start + offset + 4], "little") == real:
                data[start + offset : start + offset + 4] = fake
            start += 4
    return bytes(data)


def encrypted_workbook() -> bytes:
    """What Excel writes for an .xlsx with a password: an OLE compound file (D0 CF 11 E0)
    holding EncryptionInfo and EncryptedPackage streams."""
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)
    directory = "EncryptionInfo".encode("utf-16-le") + bytes(50)
    directory += "EncryptedPackage".encode("utf-16-le") + bytes(46)
    return header + directory + os.urandom(2048)


def other_zip() -> bytes:
    """A zip archive that is no workbook (a Word document's part)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def refused(name: str, data: bytes) -> list[str]:
    """Read as an upload is read; the error messages, after checking they name the file."""
    start = time.monotonic()
    sources = read_sources([(name, data)])
    assert time.monotonic() - start < 30
    assert not sources.tables
    errors = [p for p in sources.problems if p.is_error]
    assert errors, sources.problems
    assert all(str(p).startswith(f"{name}:") for p in errors)
    return [str(p) for p in errors]


HOSTILE = [
    # (file name, bytes, what the error says)
    ("laughs-sheet.xlsx", xlsx(sheet_xml(ROWS.replace("Grow revenue", "&lol9;"), LAUGHS)),
     "declares XML entities"),
    ("laughs-strings.xlsx", xlsx(strings=HEAD + LAUGHS + STRINGS.replace("cycle", "&lol9;")),
     "declares XML entities"),
    ("xxe-sheet.xlsx", xlsx(sheet_xml(ROWS.replace("Grow revenue", "&xxe;"), XXE)),
     "declares XML entities"),
    ("xxe-strings.xlsx", xlsx(strings=HEAD + XXE + STRINGS.replace("cycle", "&xxe;")),
     "declares XML entities"),
    ("utf16-doctype.xlsx", xlsx(sheet_xml(prolog=XXE).replace('"UTF-8"', '"UTF-16"')
                                .encode("utf-16")), "declares XML entities"),
    ("far-cell.xlsx", far_cell_workbook(), "cells as far as XFD1048576"),
    ("far-row.xlsx", xlsx(sheet_xml('<row r="1048576"><c r="A1048576"><v>1</v></c></row>')),
     "cells as far as A1048576"),
    ("far-row-no-refs.xlsx", xlsx(sheet_xml('<row r="900000"><c><v>1</v></c></row>')),
     "row 900,000"),
    ("billion-strings.xlsx", xlsx(strings=HEAD + STRINGS.replace('uniqueCount="2"',
                                                                 'uniqueCount="1000000000"')),
     "declares 1,000,000,000 shared strings"),
    ("bomb.xlsx", zip_bomb(), "expands 1,"),
    ("lying-sizes.xlsx", lying_sizes(), "damaged or incomplete"),
    ("truncated.xlsx", xlsx()[:-300], "damaged or incomplete"),
    ("corrupt.xlsx", xlsx()[:200] + os.urandom(1000), "damaged or incomplete"),
    ("password.xlsx", encrypted_workbook(), "password-protected"),
    ("renamed-csv.xlsx", b"objective,cycle\nGrow,2025-Q3\n", "not an Excel or OpenDocument"),
    ("renamed-pdf.xlsx", b"%PDF-1.7\n" + os.urandom(500), "the file is a PDF"),
    ("other-zip.xlsx", other_zip(), "not an Excel or OpenDocument workbook"),
    ("empty.xlsx", b"", "the file is empty"),
    ("workbook-as.csv", xlsx(), "this is a workbook, not a CSV"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "says"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_workbook_is_refused_by_name(name: str, data: bytes, says: str) -> None:
    messages = refused(name, data)
    assert any(says in m for m in messages), messages


@pytest.mark.parametrize(
    ("variable", "value", "data", "says"),
    [
        ("OKR_HEALTH_MAX_UNZIPPED_MB", "1", xlsx(sheet_xml(ROWS * 20000)),
         "over the limit of 1 MB (OKR_HEALTH_MAX_UNZIPPED_MB)"),
        ("OKR_HEALTH_MAX_ZIP_ENTRIES", "10",
         xlsx(extra_parts=tuple((f"xl/media/p{i}.bin", b"x") for i in range(10))),
         "16 parts, over the limit of 10 (OKR_HEALTH_MAX_ZIP_ENTRIES)"),
        ("OKR_HEALTH_MAX_UPLOAD_MB", "1", xlsx(extra_parts=(("xl/media/big.bin",
                                                             os.urandom(1_200_000)),)),
         "the file is larger than 1 MB, the limit per file (OKR_HEALTH_MAX_UPLOAD_MB)"),
    ],
    ids=["unpacked total", "entry count", "upload size"],
)  # fmt: skip
def test_zip_limits_are_configurable_and_named(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, data: bytes, says: str
) -> None:
    monkeypatch.setenv(variable, value)
    assert any(says in m for m in refused("limits.xlsx", data))


def test_absurd_declared_dimension_is_not_trusted_and_reads_fine() -> None:
    """The reader ignores <dimension>; the checks measure the cells that are there instead."""
    sources = read_sources([("dimension.xlsx", xlsx(sheet_xml(dimension="A1:XFD1048576")))])
    assert not sources.problems
    assert sources.tables[0].data.to_dict("records") == [
        {"objective": "Grow revenue", "cycle": "2025-Q3"}
    ]


def test_chart_sheet_is_skipped_with_a_note_and_the_data_sheet_read() -> None:
    sources = read_sources([("with-chart.xlsx", xlsx(chart_sheet=True))])
    assert [t.sheet for t in sources.tables] == ["Objectives"]
    assert "with-chart.xlsx:Chart1: ChartSheet skipped (no table in it)" in sources.notes


def test_a_workbook_with_no_data_sheet_says_so_by_name() -> None:
    sources = read_sources([("empty-sheet.xlsx", xlsx(sheet_xml(rows="")))])
    assert [str(p) for p in sources.problems] == [
        "empty-sheet.xlsx: warning: no sheet with data in this workbook "
        "(empty, hidden and chart sheets skipped)"
    ]


def test_calamine_refuses_entities_rather_than_expanding_them() -> None:
    """What the reader does on its own, without our checks: no expansion, no file read —
    but an error that names neither the file nor the cause, hence the check before it."""
    for data in (
        xlsx(sheet_xml(ROWS.replace("Grow revenue", "&lol9;"), LAUGHS)),
        xlsx(sheet_xml(ROWS.replace("Grow revenue", "&xxe;"), XXE)),
    ):
        with pytest.raises(Exception, match="entity"):
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            book.get_sheet_by_name("Objectives").to_python()


def test_openpyxl_parses_through_defusedxml() -> None:
    """openpyxl (used to write workbooks, and by anyone reading one with it) only refuses
    entity declarations when defusedxml is installed; it is a dependency for that."""
    assert openpyxl.xml.DEFUSEDXML is True
    for data in (
        xlsx(sheet_xml(ROWS.replace("Grow revenue", "&lol2;"), LAUGHS)),
        xlsx(strings=HEAD + XXE + STRINGS.replace("cycle", "&xxe;")),
    ):
        with pytest.raises(Exception, match="invalid XML|DTD|entit"):
            openpyxl.load_workbook(io.BytesIO(data))


def test_reader_that_aborts_is_contained_in_its_child_process() -> None:
    """Without the checks, python-calamine aborts the whole process on the far-cell file
    (it asks for 512 GB at once). In the child process that is a clear error, and we live."""
    with pytest.raises(ChildFailed, match=r"more than the 1,024 MB .* asked for 512 GB"):
        run_in_child(workbook_sheets, far_cell_workbook(), set(), 10**7, 10**5,
                     memory_mb=1024, timeout_s=60)  # fmt: skip
    with pytest.raises(ChildFailed, match="longer than 1 s"):
        run_in_child(time.sleep, 30, memory_mb=1024, timeout_s=1)


def test_upload_past_the_checks_cannot_take_the_dashboard_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Limits raised so the extent check lets the far-cell file through: the Data page
    (running in this process, like the server) shows an error naming the file and goes on."""
    monkeypatch.setenv("OKR_HEALTH_DB", str(tmp_path / "store.duckdb"))
    monkeypatch.setenv("OKR_HEALTH_MAX_ROWS", "2000000")
    monkeypatch.setenv("OKR_HEALTH_MAX_COLUMNS", "20000")
    monkeypatch.setenv("OKR_HEALTH_PARSE_MEMORY_MB", "1024")
    page = AppTest.from_file(DATA_PAGE, default_timeout=90)
    page.run()
    page.file_uploader(key="uploads").set_value(
        ("far-cell.xlsx", far_cell_workbook(), "application/vnd.ms-excel")
    ).run()
    assert not page.exception
    shown = [str(v) for d in page.dataframe for v in d.value.get("problem", [])]
    where = [str(v) for d in page.dataframe for v in d.value.get("where", [])]
    assert "far-cell.xlsx" in where
    assert any("more than the 1,024 MB of memory allowed" in m for m in shown), shown
    assert os.getpid()  # still here


def test_settings_come_from_the_environment_with_clear_errors() -> None:
    assert Settings.from_env({}).max_rows == 500_000
    assert Settings.from_env({"OKR_HEALTH_MAX_ROWS": "1000"}).max_rows == 1000
    assert Settings.from_env({"OKR_HEALTH_READ_ONLY": "yes"}).read_only is True
    assert Settings.from_env({"OKR_HEALTH_IMPORTERS": "A@x.org; b@x.org"}).importers == (
        "a@x.org",
        "b@x.org",
    )
    with pytest.raises(SettingsError, match="OKR_HEALTH_MAX_ROWS must be a number"):
        Settings.from_env({"OKR_HEALTH_MAX_ROWS": "lots"})
    with pytest.raises(SettingsError, match="OKR_HEALTH_MAX_COLUMNS must be above 0"):
        Settings.from_env({"OKR_HEALTH_MAX_COLUMNS": "0"})


@pytest.mark.parametrize(
    ("variable", "name", "data", "says"),
    [
        ("OKR_HEALTH_MAX_ROWS", "rows.csv", b"objective,cycle\n" + b"Grow,2025-Q3\n" * 10,
         "rows.csv: 10 rows, over the limit of 5 rows per sheet or file (OKR_HEALTH_MAX_ROWS)"),
        ("OKR_HEALTH_MAX_COLUMNS", "columns.csv", b"a,b,c,d,e,f\n1,2,3,4,5,6\n",
         "columns.csv:1: 6 columns, over the limit of 5 columns per sheet or file "
         "(OKR_HEALTH_MAX_COLUMNS)"),
        ("OKR_HEALTH_MAX_ROWS", "rows.xlsx", xlsx(sheet_xml(ROWS + "".join(
            f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(3, 12)))),
         "rows.xlsx: xl/worksheets/sheet1.xml: the sheet uses cells as far as A6, beyond the "
         "limit of 5 rows (OKR_HEALTH_MAX_ROWS)"),
    ],
    ids=["csv rows", "csv columns", "xlsx rows"],
)  # fmt: skip
def test_row_and_column_limits_say_the_limit(
    monkeypatch: pytest.MonkeyPatch, variable: str, name: str, data: bytes, says: str
) -> None:
    monkeypatch.setenv(variable, "5")
    assert any(m.startswith(says) for m in refused(name, data)), refused(name, data)


def test_command_line_refuses_a_file_over_the_size_limit_without_reading_it_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.ingest import ingest_paths

    big = tmp_path / "big.csv"
    big.write_bytes(b"objective,cycle\n" + b"Grow revenue,2025-Q3\n" * 60_000)
    monkeypatch.setenv("OKR_HEALTH_MAX_UPLOAD_MB", "1")
    report = ingest_paths([big], tmp_path / "store.duckdb")
    assert [str(p) for p in report.problems] == [
        "big.csv: the file is larger than 1 MB, the limit per file (OKR_HEALTH_MAX_UPLOAD_MB)"
    ]
