"""The year's public lists (004 §四(二): the institutions undertaking training, published by the
city bureau by 15 May; 004 §四(四): the evaluation organisations, by 25 May): publishing them,
and the warning on a list published late (a warning, never a refusal)."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jineng.catalog.models import Occupation, SkillLevel
from jineng.core.roles import OrgKind
from jineng.institutions import services
from jineng.institutions.demo import demo_years
from jineng.institutions.models import EvaluationOrg, InstitutionListing, InstitutionState, Listing
from tests.clock import on_day
from tests.factories import InstitutionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
LATE_INSTITUTIONS = (
    f"{YEAR}年承担培训任务的机构于{YEAR}-05-20向社会公布，晚于规定的{YEAR}-05-15"
    "（依据 004 §四(二)，假定值）"
)
LATE_EVALUATION_ORGS = (
    f"{YEAR}年考核评价机构于{YEAR}-05-26向社会公布，晚于规定的{YEAR}-05-25"
    "（依据 004 §四(四)，假定值）"
)


def new_evaluation_org(act) -> EvaluationOrg:
    organisation = OrganisationFactory(kind=OrgKind.EVALUATION_ORG, name="商丘市测试评价站")
    with act(None):
        org = services.register_evaluation_org(organisation, type="social")
        services.file_occupation(
            org, Occupation.objects.get(code="6-18-02-04"), SkillLevel.objects.get(code="5")
        )
    return org


def messages_of(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_an_institution_list_published_after_15_may_is_warned_about_004_section_4_2(act):
    """004 §四(二) 5月15日前…向社会公布: listed on 15 May, no warning; on 20 May, listed all the
    same, with the warning naming the date and its cite (assumed in Shangqiu's pack)."""
    on_time, late = InstitutionFactory(), InstitutionFactory()
    with on_day(date(YEAR, 6, 1)), act("city_reviewer"):
        first = services.list_institution_for_year(
            on_time, year=YEAR, published_on=date(YEAR, 5, 15)
        )
        second = services.list_institution_for_year(late, year=YEAR, published_on=date(YEAR, 5, 20))
    assert services.institution_listing_warning(first) == ""
    assert services.institution_listing_warning(second) == LATE_INSTITUTIONS
    assert InstitutionListing.objects.filter(institution=late, year=YEAR).exists()  # not refused


def test_an_evaluation_organisation_list_published_after_25_may_is_warned_about_004_4_4(act):
    """004 §四(四) 5月25日前向社会公布: the 26th is late, the 25th is not."""
    org = new_evaluation_org(act)
    with on_day(date(YEAR, 6, 1)), act("city_reviewer"):
        listing = services.list_for_year(org, year=YEAR, published_on=date(YEAR, 5, 26))
    assert services.evaluation_listing_warning(listing) == LATE_EVALUATION_ORGS
    listing.published_on = date(YEAR, 5, 25)
    assert services.evaluation_listing_warning(listing) == ""


def test_the_warning_reads_in_english_too_004_section_4_2(act):
    from django.utils import translation

    institution = InstitutionFactory()
    with on_day(date(YEAR, 6, 1)), act("city_reviewer"):
        listing = services.list_institution_for_year(
            institution, year=YEAR, published_on=date(YEAR, 5, 20)
        )
    with translation.override("en"):
        warning = services.institution_listing_warning(listing)
    assert warning == (
        f"the institutions undertaking {YEAR}'s training were published on {YEAR}-05-20, "
        f"after {YEAR}-05-15 (per 004 §四(二), assumed)"
    )


def test_only_a_designated_institution_with_a_designation_in_the_year_is_listed(act):
    """004 §四(二) 承担培训任务的机构: designated (按照规定明确), for something in that year."""
    applied = InstitutionFactory(designations=())
    designated = InstitutionFactory()
    with on_day(date(YEAR, 6, 1)), act("city_reviewer"):
        with pytest.raises(ValidationError, match="只有定点机构可以承担培训任务"):
            services.list_institution_for_year(applied, year=YEAR, published_on=date(YEAR, 5, 1))
        beyond = demo_years(date(YEAR, 6, 1))[-1] + 1  # the factory designates up to next year
        with pytest.raises(ValidationError, match=f"在{beyond}年没有定点培训的职业"):
            services.list_institution_for_year(
                designated, year=beyond, published_on=date(YEAR, 5, 1)
            )
    assert applied.state == InstitutionState.APPLIED
    assert not InstitutionListing.objects.filter(institution__in=[applied, designated]).exists()


def test_a_list_is_recorded_once_published_not_before(act):
    institution = InstitutionFactory()
    tomorrow = timezone.localdate() + timedelta(days=1)
    with act("city_reviewer"), pytest.raises(ValidationError, match="晚于今天") as refused:
        services.list_institution_for_year(institution, year=YEAR, published_on=tomorrow)
    assert "published_on" in refused.value.message_dict


def test_only_the_bureau_publishes_the_institutions(act):
    institution = InstitutionFactory()
    with act("institution"), pytest.raises(PermissionDenied, match="只有人社部门可以公布承担培训"):
        services.list_institution_for_year(
            institution, year=YEAR, published_on=timezone.localdate()
        )


def test_publishing_a_list_is_all_or_nothing(act):
    """One refused institution: none of the chosen is listed, and the refusal names it."""
    fine, applied = InstitutionFactory(), InstitutionFactory(designations=())
    with act("city_reviewer"), pytest.raises(ValidationError, match=applied.organisation.name):
        services.publish_year_list(
            "institutions", [fine, applied], year=YEAR, published_on=timezone.localdate()
        )
    assert not InstitutionListing.objects.filter(institution__in=[fine, applied]).exists()


def test_the_page_publishes_and_warns_when_late_004_section_4_2(login):
    """The city's reviewer publishes chosen institutions on 20 May: they are on the list, and the
    page says the list came after 15 May (a warning beside the success); the rows say so."""
    first, second = InstitutionFactory(), InstitutionFactory()
    client = login("city_reviewer")
    with on_day(date(YEAR, 6, 1)):
        page = client.get("/institutions/lists/").content.decode()
        assert f"应于{YEAR}-05-15前向社会公布（依据 004 §四(二)）" in page
        response = client.post(
            "/institutions/lists/publish/",
            {"which": "institutions", "year": YEAR, "published_on": f"{YEAR}-05-20",
             "institutions": [first.pk, second.pk]},
            follow=True,
        )  # fmt: skip
        # (the session saved on that day expires by then: every page is read on the day)
        detail = client.get(f"/institutions/{first.pk}/").content.decode()
        directory = client.get("/directory/", {"q": first.organisation.name}).content.decode()
    said = messages_of(response)
    assert f"已列入{YEAR}年度公布名单" in said and LATE_INSTITUTIONS in said
    assert said.count(LATE_INSTITUTIONS) == 1  # one warning for the list, not one a row
    assert set(first.listings.values_list("year", "published_on")) == {(YEAR, date(YEAR, 5, 20))}
    body = response.content.decode()
    row = re.search(rf'<tr data-id="{first.pk}" data-late>(.*?)</tr>', body, re.S)
    assert row is not None and "逾期公布" in row.group(1)
    assert "逾期公布" in detail and LATE_INSTITUTIONS in detail
    assert f"{YEAR}年度承担培训任务（{YEAR}-05-20公布）" in directory


def test_the_page_publishes_on_time_without_warning(login):
    institution = InstitutionFactory()
    client = login("city_reviewer")
    with on_day(date(YEAR, 6, 1)):
        response = client.post(
            "/institutions/lists/publish/",
            {"which": "institutions", "year": YEAR, "published_on": f"{YEAR}-05-10",
             "institutions": [institution.pk]},
            follow=True,
        )  # fmt: skip
    said = messages_of(response)
    assert "已列入" in said and "晚于规定" not in said


def test_the_evaluation_organisations_page_shows_a_late_listing_004_section_4_4(login, act):
    org = new_evaluation_org(act)
    client = login("city_reviewer")
    with on_day(date(YEAR, 6, 1)):
        response = client.post(
            "/institutions/lists/publish/",
            {"which": "evaluation_orgs", "year": YEAR, "published_on": f"{YEAR}-05-26",
             "evaluation_orgs": [org.pk]},
            follow=True,
        )  # fmt: skip
        page = client.get(f"/evaluation-orgs/{org.pk}/").content.decode()
        english = client.get(f"/evaluation-orgs/{org.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert LATE_EVALUATION_ORGS in messages_of(response)
    assert Listing.objects.get(evaluation_org=org, year=YEAR).published_on == date(YEAR, 5, 26)
    assert "逾期公布" in page and LATE_EVALUATION_ORGS in page
    assert "published late" in english.content.decode()


def test_the_page_refuses_bad_input_with_a_message(login):
    """Nothing chosen, a date in the future, a foreign id: a message, nothing listed."""
    institution = InstitutionFactory()
    client = login("city_reviewer")
    base = {"which": "institutions", "year": YEAR}
    cases = [
        ({**base, "published_on": str(timezone.localdate())}, "请至少选择一家要公布的机构"),
        ({**base, "published_on": str(timezone.localdate() + timedelta(days=3)),
          "institutions": [institution.pk]}, "晚于今天"),
        ({**base, "published_on": "not a day", "institutions": [institution.pk]},
         "请填写名单的公布日期"),
        ({**base, "published_on": str(timezone.localdate()), "institutions": [99999999]},
         "所选机构不在您的管辖范围内"),
        ({**base, "which": "people", "published_on": str(timezone.localdate()),
          "institutions": [institution.pk]}, "请选择要公布的名单"),
    ]  # fmt: skip
    for data, expected in cases:
        response = client.post("/institutions/lists/publish/", data, follow=True)
        assert response.status_code == 200
        assert expected in messages_of(response), expected
    assert not institution.listings.exists()


def test_the_lists_page_is_the_bureaus(login):
    assert login("institution").get("/institutions/lists/").status_code == 403
    assert login("county_reviewer").get("/institutions/lists/?year=abc").status_code == 200
