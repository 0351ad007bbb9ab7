"""Teachers imported through the shared pipeline by an institution: new teachers registered by
real name on the way, each bad row reported, other institutions out of reach."""

import pytest
from django.utils import timezone
from stdnum.cn import ric

from jineng.core import audit
from jineng.core.imports import ImportOptions, run_import
from jineng.institutions.imports import TEACHERS
from jineng.institutions.models import Institution
from jineng.people import services as people

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def number(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def test_an_institution_imports_its_teachers(users):
    mine = Institution.objects.get(organisation__name="商丘市鸿鹄职业技能培训学校")
    theirs = Institution.objects.get(organisation__name="梁园区启航职业培训学校")
    new = number("41140219800101456")
    rows = (
        "姓名,公民身份号码,机构统一社会信用代码,年度,聘用方式,任教职业代码\n"
        f"新老师,{new},{mine.organisation.code},{YEAR},专职,6-18-02-04\n"
        f"坏行,{number('41140219800101457')},{mine.organisation.code},{YEAR},有时候,\n"
        f"越界,{number('41140219800101458')},{theirs.organisation.code},{YEAR},兼职,\n"
    ).encode()
    with audit.audit_context(actor=users["institution"]):
        report = run_import(
            TEACHERS, rows, "t.csv", options=ImportOptions(context={"user": users["institution"]})
        )
    assert report.counts["created"] == 1
    assert {(r.row, r.column) for r in report.rejected} == {
        (3, "聘用方式"),
        (4, "机构统一社会信用代码"),
    }
    teacher = people.find_by_id_number(new).teacher
    assert teacher.engagements.get(institution=mine, year=YEAR).full_time
    assert teacher.occupations.filter(code="6-18-02-04").exists()
    with audit.audit_context(actor=users["institution"]):
        again = run_import(
            TEACHERS, rows, "t.csv", options=ImportOptions(context={"user": users["institution"]})
        )
    assert again.counts["created"] == 0 and again.counts["unchanged"] == 1


def test_the_bureau_imports_institutions(users):
    from stdnum.cn import uscc

    from jineng.institutions.imports import INSTITUTIONS

    body = "52411402MJ9999999"
    code = body + uscc.calc_check_digit(body)
    rows = (
        "机构名称,统一社会信用代码,机构类型,行政区划代码,培训规模\n"
        f"梁园区新光职业培训学校,{code},民办职业培训学校,411402,60\n"
        f"坏代码学校,52411402MJ9999990X,民办职业培训学校,411402,60\n"
        f"越界学校,{body[:-1]}8{uscc.calc_check_digit(body[:-1] + '8')},企业,411481,10\n"
    ).encode()
    with audit.audit_context(actor=users["county_reviewer"]):
        report = run_import(
            INSTITUTIONS,
            rows,
            "i.csv",
            options=ImportOptions(context={"user": users["county_reviewer"]}),
        )
    assert report.counts["created"] == 1
    assert {(r.row, r.column) for r in report.rejected} == {
        (3, "统一社会信用代码"),
        (4, "行政区划代码"),
    }
    new = Institution.objects.get(organisation__code=code)
    assert new.state == "applied" and new.organisation.parent.code == "411402"
