"""The enterprise registry (企业名录) the SME hiring subsidy is decided from (002 §四(三)1:
中小微企业…按企业隶属关系): each enterprise's credit code, name, the bureau it belongs to, its
size class (大型/中型/小型/微型 by 《中小企业划型标准规定》, 工信部联企业〔2011〕300号) with the
evidence and the day it was assessed, and an optional scan. The bureau records and changes them
on its pages and the API, within its region, audited; bad input gets a clear message and changes
nothing."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jineng.core.models import AuditEntry, Organisation
from jineng.institutions import services
from jineng.institutions.demo import HIRING, LARGE, SME
from jineng.institutions.demo import credit_code as demo_code
from jineng.institutions.models import SIZE_STANDARD, Enterprise
from tests.factories import EnterpriseFactory, credit_code
from tests.filters import assert_refused_cleanly, assert_same_rows
from tests.tampered import ABSURD, refused

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ASSESSED = TODAY - timedelta(days=20)
EVIDENCE = "2025年度财务报表：从业人员86人，营业收入1800万元（工业）"
PAGE, API = "/enterprises/", "/api/v1/enterprises/"


def bureau(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def new_code(n: int) -> str:
    return credit_code("411402", 930000 + n, authority="91")


def record(act, who="city_reviewer", **changes) -> Enterprise:
    values = {
        "uscc": new_code(1), "name": "商丘市测试纺织有限公司", "bureau": bureau("411400"),
        "size": "small", "size_evidence": EVIDENCE, "size_assessed_on": ASSESSED,
    }  # fmt: skip
    with act(who):
        return services.record_enterprise(**values | changes)


# --- the service ------------------------------------------------------------------------------


def test_the_bureau_records_an_enterprise_with_its_size_class_and_evidence(act):
    """002 §四(三)1 中小微企业: the record keeps the size class, the evidence it was assessed
    from and the day, the standard (工信部联企业〔2011〕300号 unless told) and the bureau it
    belongs to; the credit code is checked and cleaned; the change is audited."""
    enterprise = record(act, uscc=" " + new_code(1).lower() + " ")
    assert enterprise.uscc == new_code(1)
    assert (enterprise.size, enterprise.size_evidence, enterprise.size_assessed_on) == (
        "small", EVIDENCE, ASSESSED
    )  # fmt: skip
    assert enterprise.size_standard == SIZE_STANDARD
    assert "工信部联企业〔2011〕300号" in SIZE_STANDARD
    assert enterprise.bureau.code == "411400" and enterprise.created_by.username == "city_reviewer"
    entry = AuditEntry.objects.filter(object_type="institutions.enterprise").latest("id")
    assert entry.object_id == str(enterprise.pk) and entry.after["size"] == "small"
    assert entry.org_path == enterprise.bureau.path


def test_a_scan_of_the_evidence_is_kept_with_its_hash_and_left_out_of_the_audit_log(act):
    """002 §四(三)1: the size class's evidence may be kept as a file (at most 10 MB)."""
    scan = services.EvidenceFile("2025年报.pdf", b"%PDF-1.4 test", "application/pdf")
    enterprise = record(act, evidence_file=scan)
    assert enterprise.evidence_filename == "2025年报.pdf"
    stored = bytes(enterprise.evidence_content)
    assert b"%PDF" not in stored  # sealed at rest (等保三级 8.1.4.8)
    assert Enterprise.EVIDENCE.open(stored) == b"%PDF-1.4 test"
    assert len(enterprise.evidence_sha256) == 64
    entries = AuditEntry.objects.filter(object_type="institutions.enterprise")
    assert all("evidence_content" not in (e.after or {}) for e in entries)
    with pytest.raises(ValidationError, match="认定依据文件不得超过10 MB"):
        record(act, uscc=new_code(2), evidence_file=services.EvidenceFile("empty.pdf", b""))
    assert not Enterprise.objects.filter(uscc=new_code(2)).exists()


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"uscc": "91411402MF093000"}, "uscc", "统一社会信用代码应为18位"),
        ({"name": "  "}, "name", "请填写企业名称"),
        ({"size": "huge"}, "size", "请选择企业的规模类型"),
        ({"size_assessed_on": None}, "size_assessed_on", "请填写依据该材料认定规模类型的日期"),
        ({"size_evidence": ""}, "size_evidence", "请填写认定规模类型所依据的材料"),
        ({"size_assessed_on": TODAY + timedelta(days=1)}, "size_assessed_on", "不能晚于今天"),
        ({"bureau": None}, "bureau", "企业应隶属于人社部门"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(act, changes, field,
                                                                    expected):  # fmt: skip
    """002 §四(三)1: a size class rests on evidence with its date (both or neither), assessed no
    later than today; the name, a known class and a bureau are needed."""
    before = Enterprise.objects.count()
    with pytest.raises(ValidationError) as problem:
        record(act, **changes)
    assert expected in problem.value.message_dict[field][0]
    assert Enterprise.objects.count() == before


def test_a_size_class_without_evidence_may_be_recorded_and_a_department_is_no_bureau(act):
    """002 §四(三)1: the registry may know an enterprise before its evidence is in (its claims are
    refused until then); an enterprise belongs to a bureau, not to a department."""
    bare = record(act, size_evidence="", size_assessed_on=None)
    assert bare.size_assessed_on is None and bare.size_evidence == ""
    with pytest.raises(ValidationError) as problem:
        record(act, uscc=new_code(3), bureau=Organisation.objects.get(code="DEPT-411400-25"))
    assert "bureau" in problem.value.message_dict


def test_one_record_per_credit_code_naming_the_bureau_that_holds_it(act):
    """002 §四(三)1 按企业隶属关系: an enterprise belongs to one bureau; recording it again is
    refused, saying which bureau has it."""
    record(act, bureau=bureau("411402"))
    with pytest.raises(ValidationError) as problem:
        record(act)
    assert "梁园区人力资源和社会保障局" in problem.value.message_dict["uscc"][0]


def test_only_the_bureau_records_within_its_region(act):
    """002 §四(三)1: the bureau keeps the registry — an institution may not, finance reads only,
    a county reviewer cannot record an enterprise under the city's bureau."""
    with pytest.raises(PermissionDenied, match="只有人社部门可以登记企业及其规模类型"):
        record(act, "institution")
    with pytest.raises(PermissionDenied, match="只有人社部门可以登记企业及其规模类型"):
        record(act, "finance")
    with pytest.raises(PermissionDenied, match="该人社部门不在您的管辖区域内"):
        record(act, "county_reviewer")
    assert record(act, "county_reviewer", bureau=bureau("411402")).bureau.code == "411402"


def test_a_change_keeps_the_credit_code_and_stays_in_the_region(act):
    """002 §四(三)1: the size class and its evidence are changed as the enterprise grows (a
    large one gets no SME subsidy); the county reviewer cannot change the city's enterprises."""
    enterprise = record(act)
    with act("city_reviewer"):
        services.update_enterprise(
            enterprise, name=enterprise.name, bureau=bureau("411402"), size="large",
            size_evidence="2026年度财务报表：从业人员1100人，营业收入4.5亿元（工业）",
            size_assessed_on=TODAY,
        )  # fmt: skip
    enterprise.refresh_from_db()
    assert (enterprise.uscc, enterprise.size, enterprise.bureau.code) == (
        new_code(1), "large", "411402"
    )  # fmt: skip
    entry = AuditEntry.objects.filter(object_type="institutions.enterprise").latest("id")
    assert (entry.before["size"], entry.after["size"]) == ("small", "large")
    city_owned = record(act, uscc=new_code(4))
    with act("county_reviewer"), pytest.raises(PermissionDenied, match="不在您的管辖区域内"):
        services.update_enterprise(
            city_owned, name="改名", bureau=bureau("411402"), size="micro"
        )  # fmt: skip
    city_owned.refresh_from_db()
    assert city_owned.name == "商丘市测试纺织有限公司"


# --- the pages --------------------------------------------------------------------------------


def test_the_list_shows_the_region_s_enterprises_with_their_size(login, act):
    """002 §四(三)1: the city sees its enterprises and its counties'; 梁园区 sees its own only;
    an institution has no such page."""
    city = record(act, name="商丘市测试城市企业")
    county = record(act, uscc=new_code(5), name="梁园区测试县区企业", bureau=bureau("411402"))
    page = login("city_reviewer").get(PAGE).content.decode()
    assert f'data-id="{city.pk}"' in page and f'data-id="{county.pk}"' in page
    assert "小型企业" in page and "登记企业" in page
    page = login("county_reviewer").get(PAGE).content.decode()
    assert f'data-id="{county.pk}"' in page and f'data-id="{city.pk}"' not in page
    finance = login("finance")
    assert "登记企业" not in finance.get(PAGE).content.decode()
    assert finance.get("/enterprises/new/").status_code == 403
    assert login("institution").get(PAGE).status_code == 403
    assert login("county_reviewer").get(f"/enterprises/{city.pk}/").status_code == 404


def test_the_bureau_records_an_enterprise_on_the_form_with_a_scan(login):
    """002 §四(三)1: the form takes the credit code, the bureau, the size class, the evidence,
    its day and a scan; the page then shows them, the scan downloads."""
    client = login("city_reviewer")
    scan = SimpleUploadedFile("年报.pdf", b"%PDF-1.4 form", content_type="application/pdf")
    response = client.post("/enterprises/new/", {
        "uscc": new_code(6), "name": "商丘市表单测试有限公司", "bureau": bureau("411402").pk,
        "size": "micro", "size_evidence": EVIDENCE, "size_assessed_on": ASSESSED.isoformat(),
        "size_standard": "", "evidence_file": scan,
    }, follow=True)  # fmt: skip
    content = response.content.decode()
    enterprise = Enterprise.objects.get(uscc=new_code(6))
    assert enterprise.size == "micro" and enterprise.size_standard == SIZE_STANDARD
    assert "已登记商丘市表单测试有限公司为微型企业" in content and EVIDENCE in content
    download = client.get(f"/enterprises/{enterprise.pk}/evidence/")
    assert download.content == b"%PDF-1.4 form"
    assert download["Content-Type"] == "application/pdf"


def test_the_form_shows_the_service_s_refusal_and_stores_nothing(login, act):
    """002 §四(三)1: evidence without its day, or a code recorded already, is said on the form."""
    record(act)
    client = login("city_reviewer")
    values = {
        "uscc": new_code(7), "name": "商丘市测试有限公司", "bureau": bureau("411400").pk,
        "size": "small", "size_evidence": EVIDENCE, "size_assessed_on": "",
    }  # fmt: skip
    content = client.post("/enterprises/new/", values).content.decode()
    assert "请填写依据该材料认定规模类型的日期" in content
    again = values | {"uscc": new_code(1), "size_assessed_on": ASSESSED.isoformat()}
    content = client.post("/enterprises/new/", again).content.decode()
    assert "该统一社会信用代码的企业已由" in content
    assert not Enterprise.objects.filter(uscc=new_code(7)).exists()


def test_the_edit_form_changes_the_size_class_but_not_the_code(login, act):
    """002 §四(三)1: the bureau records a new size class with its evidence; a posted credit code
    is ignored (the field is disabled): claims find the enterprise by it."""
    enterprise = record(act)
    client = login("city_reviewer")
    form = client.get(f"/enterprises/{enterprise.pk}/edit/").content.decode()
    assert new_code(1) in form and EVIDENCE in form
    client.post(f"/enterprises/{enterprise.pk}/edit/", {
        "uscc": new_code(8), "name": enterprise.name, "bureau": enterprise.bureau_id,
        "size": "medium", "size_evidence": "2026年度统计年报（中型）",
        "size_assessed_on": TODAY.isoformat(), "size_standard": SIZE_STANDARD,
    })  # fmt: skip
    enterprise.refresh_from_db()
    assert (enterprise.uscc, enterprise.size) == (new_code(1), "medium")
    assert enterprise.size_evidence == "2026年度统计年报（中型）"


def test_tampered_values_on_the_enterprise_form_are_refused(login, act):
    """002 §四(三)1: whatever is posted, a message on the form, never a server error."""
    client = login("city_reviewer")
    before = Enterprise.objects.count()
    for value in ABSURD:
        values = {"uscc": value, "name": value, "bureau": value, "size": value,
                  "size_evidence": value, "size_assessed_on": value}  # fmt: skip
        refused(client.post("/enterprises/new/", values))
    assert Enterprise.objects.count() == before


# --- the API ----------------------------------------------------------------------------------


def test_page_and_api_list_the_same_enterprises(login, act):
    """002 §四(三)1: one selector and one FilterSet for the page and the API."""
    record(act, name="商丘市测试纺织有限公司")
    record(act, uscc=new_code(9), name="梁园区测试大型集团", size="large", bureau=bureau("411402"))
    cases = [{}, {"q": "测试"}, {"size": "large"}, {"q": new_code(9)[-6:]}, {"size": "small"}]
    for username in ("city_reviewer", "county_reviewer", "admin", "finance"):
        assert assert_same_rows(login, username, PAGE, API, cases) >= 1


def test_a_malformed_filter_is_refused_cleanly(login):
    assert_refused_cleanly(login, "city_reviewer", PAGE, API, {"size": "huge"})


def post(client, path, body, method="post"):
    send = getattr(client, method)
    return send(path, json.dumps(body), content_type="application/json")


def test_the_api_records_and_changes_enterprises_through_the_services(login):
    """002 §四(三)1: POST records an enterprise of the caller's region, PATCH changes its class;
    refusals answer 400 (bad input) or 403 (not the bureau's), in the caller's language."""
    client = login("city_reviewer")
    body = {
        "uscc": new_code(10),
        "name": "商丘市接口测试有限公司",
        "bureau": bureau("411400").pk,
        "size": "small",
        "size_evidence": EVIDENCE,
        "size_assessed_on": ASSESSED.isoformat(),
    }
    created = post(client, API, body)
    assert created.status_code == 201, created.content
    row = created.json()
    assert (row["size"], row["size_label"], row["size_standard"]) == (
        "small", "小型企业", SIZE_STANDARD
    )  # fmt: skip
    changed = post(client, f"{API}{row['id']}/", {"size": "large"}, "patch")
    assert changed.status_code == 200 and changed.json()["size"] == "large"
    assert changed.json()["size_evidence"] == EVIDENCE
    again = post(client, API, body)
    assert again.status_code == 400 and "uscc" in again.json()
    code = post(client, f"{API}{row['id']}/", {"uscc": new_code(11)}, "patch")
    assert code.status_code == 400 and "uscc" in code.json()
    late = post(client, API, body | {"uscc": new_code(12), "size_assessed_on": None})
    assert late.status_code == 400 and "size_assessed_on" in late.json()
    finance = login("finance")
    assert post(finance, API, body | {"uscc": new_code(13)}).status_code == 403
    assert finance.get(f"{API}{row['id']}/").json()["name"] == "商丘市接口测试有限公司"
    county = login("county_reviewer")
    outside = post(county, API, body | {"uscc": new_code(14)})
    assert outside.status_code == 400 and "bureau" in outside.json()
    assert post(county, f"{API}{row['id']}/", {"size": "micro"}, "patch").status_code == 404


def test_the_demo_records_the_claims_demo_enterprises(db):
    """002 §四(三)1: the demo's SME (small, under the city's bureau) and the employer of the
    trainees (micro, under 睢阳区's) are recorded with their evidence, and one large enterprise."""
    found = {e.uscc: e for e in Enterprise.objects.select_related("bureau")}
    sme, hiring, large = (found[demo_code(body)] for _name, body in (SME, HIRING, LARGE))
    assert (sme.size, sme.bureau.code) == ("small", "411400")
    assert (hiring.size, hiring.bureau.code) == ("micro", "411403")
    assert large.size == "large"
    assert all(e.size_evidence and e.size_assessed_on <= TODAY for e in (sme, hiring, large))


def test_the_enterprise_factory_makes_a_small_enterprise_of_the_city(db):
    enterprise = EnterpriseFactory()
    assert (enterprise.size, enterprise.bureau.code) == ("small", "411400")
