"""Catalog pages, API, export and import through the browser's forms; packs and the why page."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jineng.catalog.models import Occupation, PolicyPackVersion
from jineng.catalog.registry import CATALOGS

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent.parent / "data"


@pytest.mark.parametrize("slug", sorted(CATALOGS))
def test_every_catalog_has_list_detail_api_export_and_template(slug, login):
    client = login("worker")  # reference data: everyone signed in reads it
    catalog = CATALOGS[slug]
    listing = client.get(f"/catalogs/{slug}/")
    assert listing.status_code == 200
    first = catalog.model.objects.order_by("pk").first()
    if first is not None:
        assert client.get(f"/catalogs/{slug}/{first.pk}/").status_code == 200
        api = client.get(f"/api/v1/catalogs/{slug}/{first.pk}/").json()
        assert api["id"] == first.pk
    assert client.get(f"/api/v1/catalogs/{slug}/").status_code == 200
    for kind in ("export", "template"):
        response = client.get(f"/catalogs/{slug}/{kind}.xlsx")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
        header = next(sheet.iter_rows(values_only=True))
        assert list(header) == [str(column.label) for column in catalog.columns]


def test_occupations_include_those_the_seeds_name(login):
    names = set(Occupation.objects.values_list("name", flat=True))
    assert {
        "焊工",
        "电工",
        "养老护理员",
        "家政服务员",
        "保育师",
        "健康照护师",
        "互联网营销师",
        "全媒体运营师",
        "电子商务师",
        "区块链应用操作员",
        "中式烹调师",
        "中式面点师",
        "美容师",
        "美发师",
        "汽车维修工",
        "家用电器产品维修工",
        "模具工",
        "保安员",
    } <= names
    assert Occupation.objects.count() >= 40
    assert Occupation.objects.get(code="6-18-02-04").is_access  # 焊工: 准入 (001 §五(三))
    marketer = Occupation.objects.get(name="互联网营销师")
    assert marketer.is_new and marketer.former_code == "4-01-02-07"


def test_abolished_region_codes_are_kept_with_their_years():
    """An ID issued in 1985 may carry 412301 商丘地区商丘市, abolished 1997 (DOMAIN.md)."""
    from jineng.catalog.models import Region

    old = Region.objects.get(code="412301")
    assert old.valid_to == 1996 and not old.is_current
    assert Region.objects.get(code="411402").parent.code == "411400"


def test_search_with_htmx_returns_only_rows(login):
    client = login("city_reviewer")
    response = client.get(
        "/catalogs/occupations/?q=焊工", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    body = response.content.decode()
    assert "<html" not in body and "焊工" in body and "电工" not in body


def test_import_needs_the_capability(login):
    client = login("city_reviewer")
    assert client.get("/imports/new/occupations/").status_code == 403


def upload(client, kind, name, content, capture, **options):
    upload = io.BytesIO(content)
    upload.name = name
    with capture(execute=True):  # the job is queued when the upload's transaction commits
        response = client.post(f"/imports/new/{kind}/", {"file": upload, **options})
    assert response.status_code == 302, response.content[:300]
    return client.get(response["Location"])


def test_import_through_the_page_reports_each_rejected_row(
    login, django_capture_on_commit_callbacks
):
    client = login("admin")
    page = upload(
        client,
        "occupations",
        "occupations-import.xlsx",
        (DATA / "occupations-import.xlsx").read_bytes(),
        django_capture_on_commit_callbacks,
    )
    body = page.content.decode()
    assert "1 条新增" in body or "1 created" in body
    assert body.count("<tr><td>") == 3  # three rejected rows, each with row, column, reason
    errors = client.get(page.request["PATH_INFO"] + "errors.xlsx")
    sheet = load_workbook(io.BytesIO(errors.content), read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows())) == 4


def test_a_broken_upload_gets_a_message_not_a_traceback(login, django_capture_on_commit_callbacks):
    client = login("admin")
    page = upload(
        client,
        "regions",
        "rows.xlsx",
        b"this is not a spreadsheet",
        django_capture_on_commit_callbacks,
    )
    assert page.status_code == 200
    assert "alert-danger" in page.content.decode()


def test_pack_page_shows_rules_with_cites(login):
    client = login("worker")
    version = PolicyPackVersion.objects.get(pack_id="henan-shangqiu-2022")
    body = client.get(f"/policies/{version.pk}/").content.decode()
    assert "002 §四(二)1" in body and "280" in body
    api = client.get(f"/api/v1/policy-packs/{version.pk}/").json()
    assert any(row["cite"] and "002" in row["cite"] for row in api["rules"])


def test_pack_page_shows_each_note_in_the_readers_language(login):
    """002 §四(五)3 states no voucher validity: the assumed 180 days carries its reason, in
    Chinese on a Chinese page (never the English note) and in English on an English one."""
    client = login("worker")
    version = PolicyPackVersion.objects.filter(pack_id="henan-shangqiu-2022").latest("version")
    english_note = "002 states no validity period; 180 days is a placeholder"
    chinese_note = "002 未规定培训券有效期；180天为暂定值，覆盖一个培训季。"
    chinese = client.get(f"/policies/{version.pk}/").content.decode()
    assert chinese_note in chinese and english_note not in chinese
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/policies/{version.pk}/").content.decode()
    assert english_note in english and chinese_note not in english


def test_a_failed_import_can_be_run_again(login, django_capture_on_commit_callbacks):
    client = login("admin")
    page = upload(
        client,
        "regions",
        "regions-import.ods",
        (DATA / "regions-import.ods").read_bytes(),
        django_capture_on_commit_callbacks,
    )
    from jineng.core.models import ImportJob

    job = ImportJob.objects.latest("id")
    # As if its worker died two minutes ago: running, with no heartbeat since.
    stopped = job.heartbeat_at - timedelta(minutes=2)
    ImportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=stopped)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/imports/{job.pk}/rerun/")
    assert again.status_code == 302 and page.status_code == 200
    job.refresh_from_db()
    assert job.status == "done" and job.report["rejected"] == 1


def test_the_end_of_an_import_job_is_audited(login, django_capture_on_commit_callbacks):
    from jineng.core.models import AuditEntry, ImportJob

    client = login("admin")
    upload(
        client,
        "regions",
        "regions-import.ods",
        (DATA / "regions-import.ods").read_bytes(),
        django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.latest("id")
    entry = AuditEntry.objects.filter(
        object_type="core.importjob", object_id=str(job.pk), action="update"
    ).latest("id")
    assert entry.after["status"] == "done" and entry.after["rejected"] == 1
    assert entry.actor_label == "admin"
