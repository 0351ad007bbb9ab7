"""Pages are in zh-hans by default; the .po is complete and compiled; English works; a word with
two meanings (pgettext) reads right in each place."""

from pathlib import Path

import polib
import pytest
from django.utils.translation import gettext

from jineng.claims.models import PaymentOutcome
from jineng.core.models import ImportJob, ImportStatus
from jineng.institutions.models import InspectionResult
from jineng.training.models import Verification

LOCALE = Path(__file__).resolve().parents[2] / "src/jineng/locale/zh_Hans/LC_MESSAGES"


def translations(catalogue) -> dict:
    """(context, msgid) → translation(s) of every entry but the header."""
    return {
        (entry.msgctxt, entry.msgid): entry.msgstr or dict(entry.msgstr_plural)
        for entry in catalogue
        if entry.msgid
    }


def test_every_message_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(LOCALE / "django.po"))
    todo = [entry.msgid for entry in po.untranslated_entries() + po.fuzzy_entries()]
    assert todo == [], "translate these in django.po"


def test_the_compiled_catalogue_matches_the_po():
    po = translations(polib.pofile(str(LOCALE / "django.po")))
    mo = translations(polib.mofile(str(LOCALE / "django.mo")))
    assert len(po) > 1000
    assert mo == po, "compile django.mo again (scripts/i18n)"


@pytest.mark.django_db
def test_default_language_is_chinese_and_english_can_be_chosen(client):
    assert "职业技能培训管理服务平台" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Vocational skills training platform" in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_running_import_job_reads_running_not_in_public_notice(login, users):
    """An import job's "running" is 运行中; a public notice's "running" (公示中) is another word."""
    admin = users["admin"]
    job = ImportJob.objects.create(
        kind="regions",
        filename="regions.xlsx",
        organisation=admin.organisation,
        created_by=admin,
        status=ImportStatus.RUNNING,
    )
    client = login("admin")
    listing = client.get("/imports/").content.decode()
    detail = client.get(f"/imports/{job.pk}/").content.decode()
    for page in (listing, detail):
        assert "运行中" in page and "公示中" not in page
    assert "行政区划" in listing.split("regions.xlsx")[1][:200]  # the kind's title, not its slug


@pytest.mark.parametrize(
    ("label", "chinese"),
    [
        (ImportStatus.FAILED.label, "失败"),
        (PaymentOutcome.FAILED.label, "拨付失败"),
        (PaymentOutcome.PENDING.label, "待财务反馈"),
        (InspectionResult.FAILED.label, "不合格"),
        (Verification.FAILED.label, "未通过"),
        (gettext("failed"), "不符合"),  # a policy check that failed
    ],
)
def test_failed_and_pending_read_right_in_each_place(label, chinese):
    assert str(label) == chinese
