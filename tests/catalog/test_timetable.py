"""The year's timetable as the platform reads it from the stored packs (004 §四): the pack that
governs a region's year, the reminder weeks before a date, the city bureaus, and the pack's
page with the [timetable] rows."""

from datetime import date

import pytest
from django.utils import timezone

from jineng.catalog import timetable
from jineng.catalog.models import PolicyPackVersion
from jineng.core.models import Organisation
from jineng.policy.timetable import INSTITUTIONS_PUBLISHED_BY, PAYMENT_TO, TRAINING_ENDS_BY

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def test_the_loaded_shangqiu_pack_states_the_timetable_of_004_section_4():
    """The stored Shangqiu pack (version 6) carries 004 §四's dates, assumed."""
    version = PolicyPackVersion.objects.filter(pack_id="henan-shangqiu-2022").latest("version")
    assert version.version >= 6
    _version, pack = timetable.governing("411402", YEAR)  # a county reads its city's pack
    rule = pack.require(TRAINING_ENDS_BY)
    assert (str(rule.value), rule.cite, rule.assumed) == ("08-31", "004 §四(三)", True)


def test_a_date_is_coming_in_the_four_weeks_up_to_it_004_section_4_2():
    """004 §四(二) 15 May: from 17 April (28 days before) to 15 May, both included."""
    assert timetable.coming("411400", INSTITUTIONS_PUBLISHED_BY, date(YEAR, 4, 16)) is None
    first = timetable.coming("411400", INSTITUTIONS_PUBLISHED_BY, date(YEAR, 4, 17))
    assert first is not None and first.due == date(YEAR, 5, 15)
    assert first.cite == "依据 004 §四(二)，假定值"
    assert timetable.coming("411400", INSTITUTIONS_PUBLISHED_BY, date(YEAR, 5, 15)) is not None
    assert timetable.coming("411400", INSTITUTIONS_PUBLISHED_BY, date(YEAR, 5, 16)) is None


def test_no_pack_no_date():
    """Henan's province (410000) has no pack but the example one, never chosen: no date."""
    assert timetable.coming("410000", PAYMENT_TO, date(YEAR, 10, 20)) is None
    assert timetable.warning("410000", YEAR, lambda pack: pytest.fail("no pack to check")) == ""


def test_only_a_city_bureau_is_the_city_of_004_section_4():
    """004 §四(一), §四(二), §四(四), §五(五): 各市, 市级人力资源社会保障部门."""
    assert timetable.is_city(Organisation.objects.get(code="411400"))
    assert not timetable.is_city(Organisation.objects.get(code="411402"))
    assert not timetable.is_city(Organisation.objects.get(code="410000"))


def test_the_pack_page_shows_the_timetable_with_its_cites_004_section_4(login):
    version = PolicyPackVersion.objects.filter(pack_id="henan-shangqiu-2022").latest("version")
    client = login("city_reviewer")
    body = client.get(f"/policies/{version.pk}/").content.decode()
    assert 'id="timetable"' in body and "年度工作时间表" in body
    for text in ("5月15日", "8月31日", "004 §四(二)", "004 §五(五)"):
        assert text in body
    assert "假定值，取自 004 §四(三)" in body  # the Chinese note of an assumed date
