"""The shared import pipeline on files made by LibreOffice (tests/data/make_spreadsheets.sh):
valid rows saved, each rejected row reported with row, column and reason, nothing half-done,
the same file twice changes nothing, and an export imports back unchanged."""

from decimal import Decimal
from pathlib import Path

import pytest

from jineng.catalog.models import Occupation, Region, SubsidyStandard
from jineng.catalog.registry import CATALOGS
from jineng.core import audit
from jineng.core.imports import ImportFileError, run_import, write_xlsx
from jineng.core.models import AuditEntry

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent.parent / "data"


def import_file(slug, name, **options):
    with audit.system_context("test"):
        return run_import(CATALOGS[slug].spec, (DATA / name).read_bytes(), name, **options)


def rejected(report):
    return {(r.row, r.column) for r in report.rejected}


def test_occupations_from_excel_file_made_by_libreoffice():
    report = import_file("occupations", "occupations-import.xlsx")
    assert report.counts == {"created": 1, "updated": 2, "unchanged": 0}
    assert rejected(report) == {(5, "代码"), (6, "等级"), (7, "新职业")}
    messages = {r.row: r.message for r in report.rejected}
    assert "6-18-02-04" in messages[5]  # says what a code looks like
    # Full-width digits and stray spaces were normalised before checking.
    care = Occupation.objects.get(code="4-14-01-03")
    assert care.name == "健康照护师" and care.is_new and care.new_since == 2020
    new = Occupation.objects.get(code="4-99-99-99")
    assert sorted(new.levels.values_list("code", flat=True)) == ["3", "4", "5"]
    # A rejected row changed nothing: 养老护理员 keeps its levels.
    assert Occupation.objects.get(code="4-10-01-05").levels.count() == 5


def test_importing_the_same_file_twice_changes_nothing():
    import_file("occupations", "occupations-import.xlsx")
    entries = AuditEntry.objects.count()
    report = import_file("occupations", "occupations-import.xlsx")
    assert report.counts["created"] == 0 and report.counts["updated"] == 0
    assert report.counts["unchanged"] == 3
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("name", ["standards-import.xlsx", "standards-import.xls"])
def test_standards_with_codes_typed_as_numbers(name):
    report = import_file("standards", name)
    assert report.counts["created"] == 3
    assert rejected(report) == {
        (4, "职业代码"),
        (5, "补贴标准(元)"),
        (6, "等级代码"),
        (7, "行政区划代码"),
    }
    welder = SubsidyStandard.objects.get(
        occupation__code="6-18-02-04", level__code="3", region__code="411400", year=2024
    )
    assert welder.amount == Decimal("2200.00")
    assert SubsidyStandard.objects.get(occupation__code="4-10-01-05", year=2024).amount == Decimal(
        "1200.50"
    )


def test_all_or_nothing_saves_nothing_when_a_row_is_bad():
    before = SubsidyStandard.objects.count()
    report = import_file("standards", "standards-import.xlsx", all_or_nothing=True)
    assert report.rolled_back and report.rejected_total == 4
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 0}
    assert SubsidyStandard.objects.count() == before


def test_regions_from_an_ods_file():
    report = import_file("regions", "regions-import.ods")
    assert rejected(report) == {(5, "代码")}
    assert Region.objects.get(code="411499").is_local


def test_a_file_without_the_required_columns_is_refused_whole():
    with pytest.raises(ImportFileError, match="缺少列：代码"):
        run_import(CATALOGS["occupations"].spec, "名字,备注\n焊工,x\n".encode(), "x.csv")
    with pytest.raises(ImportFileError, match="无法作为电子表格读取该文件"):
        run_import(CATALOGS["occupations"].spec, b"PK\x03\x04 not really a zip", "x.xlsx")
    with pytest.raises(ImportFileError, match="不支持的文件类型"):
        run_import(CATALOGS["occupations"].spec, b"", "x.pdf")


def test_gb18030_csv_from_an_old_excel():
    text = "代码,名称,等级\n6-18-02-04,焊工,5-1\n"
    report = import_file_bytes("occupations", text.encode("gb18030"), "gbk.csv")
    assert report.ok and report.counts["unchanged"] + report.counts["updated"] == 1


def import_file_bytes(slug, data, name):
    with audit.system_context("test"):
        return run_import(CATALOGS[slug].spec, data, name)


@pytest.mark.parametrize("slug", sorted(CATALOGS))
def test_every_export_imports_back_unchanged(slug):
    spec = CATALOGS[slug].spec
    exported = write_xlsx(spec, spec.export_rows())
    report = import_file_bytes(slug, exported, f"{slug}.xlsx")
    assert report.ok, report.rejected[:3]
    assert report.counts["created"] == 0 and report.counts["updated"] == 0


@pytest.mark.parametrize("slug", sorted(CATALOGS))
def test_every_template_has_the_columns_and_imports_as_empty(slug):
    template = write_xlsx(CATALOGS[slug].spec, [], template=True)
    report = import_file_bytes(slug, template, "template.xlsx")
    assert report.ok and sum(report.counts.values()) == 0
