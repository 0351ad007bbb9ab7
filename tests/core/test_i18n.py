"""Pages are in zh-hans by default; every interface string has a translation; English works."""

from pathlib import Path

import polib
import pytest

LOCALE = Path("src/jineng/locale/zh_Hans/LC_MESSAGES")


def test_every_message_is_translated_and_the_compiled_catalogue_is_current():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []
    mo = polib.mofile(str(LOCALE / "django.mo"))
    compiled = {(e.msgid, e.msgstr or str(e.msgstr_plural)) for e in mo}
    source = {(e.msgid, e.msgstr or str(e.msgstr_plural)) for e in po if e.msgid}
    assert source <= compiled, "run scripts/i18n to recompile django.mo"


@pytest.mark.django_db
def test_default_language_is_chinese_and_english_can_be_chosen(client):
    assert "职业技能培训管理服务平台" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Vocational skills training platform" in client.get("/").content.decode()
