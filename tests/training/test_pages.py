"""The class pages: who sees what, the opening application form, the class page's actions, the
review queue's bulk decisions, attendance entered by hand (more in test_hand_marks.py), devices."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from jineng.catalog.models import FundChannel, Occupation, SkillLevel, TrainingType
from jineng.institutions.models import Engagement, Institution
from jineng.people.services import decrypt_id_number
from jineng.training import services
from jineng.training.models import (
    ClassState,
    Commitment,
    Device,
    Enrollment,
    EnrollmentState,
    Session,
    TrainingClass,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
TODAY = timezone.localdate()


def detail(training_class) -> str:
    return f"/classes/{training_class.pk}/"


def says(response, msgid: str) -> bool:
    """The page shows this message, in the language of the test (zh-hans)."""
    return escape(gettext(msgid)) in response.content.decode()


def state_of(training_class) -> str:
    training_class.refresh_from_db()
    return training_class.state


@pytest.fixture
def qihang_class(act, orgs):
    """A draft class of 梁园区启航 (in 梁园区, outside 鸿鹄 and inside the county reviewer's)."""
    institution = Institution.objects.get(organisation=orgs["inst_liangyuan"])
    with act("admin"):
        return services.create_class(
            institution, name="育婴员培训班", occupation=Occupation.objects.get(code="4-10-01-05"),
            level=SkillLevel.objects.get(code="5"),
            training_type=TrainingType.objects.get(code="employment_skills"),
            fund_channel=FundChannel.objects.order_by("code").first(),
            start_date=TODAY, end_date=TODAY + timedelta(days=5), venue="梁园区", capacity=20,
        )  # fmt: skip


# --- who sees what ------------------------------------------------------------------------------


def test_the_list_shows_each_viewer_the_classes_of_their_scope(login, make_class, qihang_class):
    hongyu = make_class()
    expected = {
        "institution": (True, False),
        "city_reviewer": (True, True),
        "county_reviewer": (False, True),
        "finance": (True, True),
        "admin": (True, True),
    }
    for username, (sees_hongyu, sees_qihang) in expected.items():
        response = login(username).get("/classes/")
        assert response.status_code == 200, username
        content = response.content.decode()
        assert (hongyu.code in content) is sees_hongyu, username
        assert (qihang_class.code in content) is sees_qihang, username


def test_list_filters_by_state_occupation_and_search(login, make_class):
    draft = make_class(start=TODAY - timedelta(days=40))
    submitted = make_class(start=TODAY - timedelta(days=20), level="4", state="submitted")
    client = login("institution")
    content = client.get("/classes/", {"state": "submitted"}).content.decode()
    assert submitted.code in content and draft.code not in content
    content = client.get("/classes/", {"q": draft.code}).content.decode()
    assert draft.code in content and submitted.code not in content
    welding = Occupation.objects.get(code="6-18-02-04")
    partial = client.get("/classes/", {"occupation": welding.code}, headers={
        **HTMX, "HX-Target": "results"
    })  # fmt: skip
    assert "<html" not in partial.content.decode()
    assert draft.code in partial.content.decode()


def test_outside_the_scope_a_class_does_not_exist(login, make_class, qihang_class):
    hongyu = make_class()
    assert login("county_reviewer").get(detail(hongyu)).status_code == 404
    assert login("county_reviewer").get(detail(qihang_class)).status_code == 200
    client = login("institution")
    assert client.get(detail(qihang_class)).status_code == 404
    assert client.post(f"{detail(qihang_class)}state/", {"state": "submitted"}).status_code == 404
    assert client.get(f"{detail(qihang_class)}edit/").status_code == 404
    assert state_of(qihang_class) == ClassState.DRAFT


def test_roles_without_the_capability_are_refused(login, make_class):
    training_class = make_class()
    for username in ("department", "worker", "evaluator"):
        client = login(username)
        assert client.get("/classes/").status_code == 403, username
        assert client.get(detail(training_class)).status_code == 404, username
        assert client.get("/classes/review/").status_code == 403, username
    reviewer = login("city_reviewer")
    assert reviewer.get("/classes/new/").status_code == 403
    assert reviewer.get("/classes/devices/").status_code == 403
    assert reviewer.post(f"{detail(training_class)}enrollments/", {}).status_code == 404
    assert login("institution").get("/classes/review/").status_code == 403


def test_the_navigation_links_to_classes_and_to_the_review(login):
    institution = login("institution").get("/").content.decode()
    assert 'href="/classes/"' in institution and 'href="/classes/review/"' not in institution
    reviewer = login("city_reviewer").get("/").content.decode()
    assert 'href="/classes/"' in reviewer and 'href="/classes/review/"' in reviewer
    assert 'href="/classes/"' not in login("department").get("/").content.decode()


# --- the opening application --------------------------------------------------------------------


def application(**changes) -> dict:
    values = {
        "name": "焊工（初级）培训班",
        "occupation": Occupation.objects.get(code="6-18-02-04").pk,
        "level": SkillLevel.objects.get(code="5").pk,
        "training_type": TrainingType.objects.get(code="employment_skills").pk,
        "fund_channel": FundChannel.objects.order_by("code").first().pk,
        "start_date": TODAY.isoformat(),
        "end_date": TODAY.isoformat(),
        "venue": "实训楼201",
        "capacity": "30",
        "study_mode": "full_time",
        "assessment_plan": "理论考试＋实操考核",
        "commitment_reason": "",
    }
    return {**values, **changes}


def test_the_institution_opens_a_class_with_the_form(login, orgs):
    client = login("institution")
    page = client.get("/classes/new/").content.decode()
    assert "焊工 (6-18-02-04)" in page
    assert "4-10-01-05" not in page  # only the occupations 鸿鹄 is designated for
    response = client.post("/classes/new/", application())
    assert response.status_code == 302
    training_class = TrainingClass.objects.get(name="焊工（初级）培训班")
    assert response.url == detail(training_class)
    assert training_class.state == ClassState.DRAFT
    assert training_class.institution.organisation == orgs["inst_city"]
    assert client.get(detail(training_class)).status_code == 200


def test_the_teachers_are_saved_with_the_opening_application(login, institution):
    """Issue 14: the teacher list is part of the application's form, saved by the same POST."""
    engaged = [e.teacher for e in institution.engagements.filter(year=TODAY.year)][:2]
    client = login("institution")
    page = client.get("/classes/new/").content.decode()
    assert f'value="{engaged[0].pk}"' in page and 'name="teachers"' in page
    response = client.post("/classes/new/", application(teachers=[t.pk for t in engaged]))
    assert response.status_code == 302
    training_class = TrainingClass.objects.get(name="焊工（初级）培训班")
    assert set(training_class.teachers.all()) == set(engaged)
    # The edit form shows them chosen; unticking one there removes it.
    page = client.get(f"{detail(training_class)}edit/").content.decode()
    assert f'value="{engaged[1].pk}" id="id_teachers_1" checked' in page or "checked" in page
    response = client.post(
        f"{detail(training_class)}edit/", edit_values(training_class, teachers=[engaged[0].pk])
    )
    assert response.status_code == 302
    assert list(training_class.teachers.all()) == [engaged[0]]


def test_a_teacher_not_of_the_institution_keeps_the_whole_application_unsaved(act, institution):
    """The service checks the teachers against the class's year and institution; a refusal
    saves nothing, not even the class (one transaction)."""
    foreign = (
        Engagement.objects.exclude(institution=institution)
        .exclude(teacher__engagements__institution=institution)[0]
        .teacher
    )
    values = {
        "name": "焊工（初级）培训班", "occupation": Occupation.objects.get(code="6-18-02-04"),
        "level": SkillLevel.objects.get(code="5"),
        "training_type": TrainingType.objects.get(code="employment_skills"),
        "fund_channel": FundChannel.objects.order_by("code").first(), "start_date": TODAY,
        "end_date": TODAY, "venue": "实训楼201", "capacity": 30,
    }  # fmt: skip
    with act("institution"), pytest.raises(ValidationError, match="不是本机构"):
        services.create_class(institution, teachers=[foreign], **values)
    assert not TrainingClass.objects.filter(name="焊工（初级）培训班").exists()


def test_the_form_refuses_what_the_institution_is_not_designated_for(login):
    client = login("institution")
    nursery = Occupation.objects.get(code="4-10-01-05")
    response = client.post("/classes/new/", application(occupation=nursery.pk))
    assert response.status_code == 200
    undesignated = TODAY.replace(year=TODAY.year + 2, month=1, day=10).isoformat()
    response = client.post("/classes/new/", application(end_date=undesignated))
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    response = client.post("/classes/new/", application(end_date="2000-01-01"))
    assert response.status_code == 200
    assert not TrainingClass.objects.filter(name="焊工（初级）培训班").exists()


def test_editing_only_while_draft(login, make_class):
    training_class = make_class(state="submitted")
    client = login("institution")
    response = client.get(f"{detail(training_class)}edit/")
    assert response.status_code == 302
    draft = make_class(start=TODAY - timedelta(days=30), level="4")
    values = application(
        level=draft.level_id, start_date=draft.start_date.isoformat(),
        end_date=draft.end_date.isoformat(), venue="实训楼305",
    )  # fmt: skip
    assert client.post(f"{detail(draft)}edit/", values).status_code == 302
    draft.refresh_from_db()
    assert draft.venue == "实训楼305"


# --- the class page -----------------------------------------------------------------------------


def test_each_viewer_sees_the_actions_they_may_take(login, make_class):
    training_class = make_class()
    page = login("institution").get(detail(training_class)).content.decode()
    assert 'id="action-submitted"' in page and 'id="action-withdrawn"' in page
    assert 'id="action-approved"' not in page
    services_submitted = make_class(start=TODAY - timedelta(days=30), level="4", state="submitted")
    page = login("city_reviewer").get(detail(services_submitted)).content.decode()
    assert 'id="action-approved"' in page and 'id="action-rejected"' in page
    assert 'id="action-withdrawn"' not in page and 'id="enrol-form"' not in page
    page = login("finance").get(detail(services_submitted)).content.decode()
    assert 'id="actions"' not in page


def test_a_refused_action_shows_the_message_and_changes_nothing(login, make_class):
    training_class = make_class(TODAY + timedelta(days=10), people=0)
    client = login("institution")
    response = client.post(f"{detail(training_class)}state/", {"state": "submitted"}, follow=True)
    assert response.status_code == 200
    assert says(response, "The roster is empty.")
    assert state_of(training_class) == ClassState.DRAFT
    # A reason is needed to withdraw; without one nothing changes.
    response = client.post(f"{detail(training_class)}state/", {"state": "withdrawn"}, follow=True)
    assert says(response, "Give the reason for the change.")
    assert state_of(training_class) == ClassState.DRAFT
    # The bureau's changes are not the institution's to make.
    assert client.post(f"{detail(training_class)}state/", {"state": "approved"}).status_code == 403
    assert login("finance").post(
        f"{detail(training_class)}state/", {"state": "approved"}
    ).status_code == 403  # fmt: skip
    assert state_of(training_class) == ClassState.DRAFT


def test_the_class_moves_through_its_page(login, make_class):
    training_class = make_class(TODAY + timedelta(days=10))  # submitted and approved in time
    institution = login("institution")
    institution.post(f"{detail(training_class)}state/", {"state": "submitted"})
    assert state_of(training_class) == ClassState.SUBMITTED
    reviewer = login("city_reviewer")
    reviewer.post(f"{detail(training_class)}state/", {"state": "rejected", "reason": "课表不全"})
    assert state_of(training_class) == ClassState.REJECTED
    institution = login("institution")
    institution.post(f"{detail(training_class)}state/", {"state": "draft"})
    institution.post(f"{detail(training_class)}state/", {"state": "submitted"})
    login("city_reviewer").post(f"{detail(training_class)}state/", {"state": "approved"})
    assert state_of(training_class) == ClassState.APPROVED
    page = login("institution").get(detail(training_class)).content.decode()
    assert "课表不全" in page  # the history keeps the reason
    assert 'id="action-in_progress"' in page


def edit_values(training_class, **changes) -> dict:
    """The opening application's form as the class stands, with changes."""
    return application(
        name=training_class.name, level=training_class.level_id,
        start_date=training_class.start_date.isoformat(),
        end_date=training_class.end_date.isoformat(), venue=training_class.venue, **changes,
    )  # fmt: skip


def test_teachers_and_sessions_are_set_on_the_page(login, make_class, institution):
    training_class = make_class(people=0)
    client = login("institution")
    engaged = [
        e.teacher for e in institution.engagements.filter(year=training_class.start_date.year)
    ]
    # The teachers are saved with the application's form, not on the class's page.
    response = client.post(
        f"{detail(training_class)}edit/", edit_values(training_class, teachers=[engaged[-1].pk])
    )
    assert response.status_code == 302
    assert list(training_class.teachers.all()) == [engaged[-1]]
    page = client.get(detail(training_class)).content.decode()
    assert 'id="edit-teachers"' in page and 'id="save-teachers"' not in page
    before = training_class.sessions.count()
    response = client.post(
        f"{detail(training_class)}sessions/",
        {"day": training_class.end_date.isoformat(), "starts": "14:00", "ends": "17:00",
         "topic": "安全操作", "teacher": engaged[-1].pk},
        headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 200
    assert training_class.sessions.count() == before + 1
    assert "安全操作" in response.content.decode()
    # Outside the class's dates: refused with a message, nothing added.
    response = client.post(
        f"{detail(training_class)}sessions/",
        {"day": (training_class.end_date + timedelta(days=1)).isoformat(), "starts": "09:00",
         "ends": "12:00", "topic": "加课"},
        headers=HTMX,
    )  # fmt: skip
    assert says(response, "A session lies outside the class's dates.")
    assert training_class.sessions.count() == before + 1
    session = training_class.sessions.get(topic="安全操作")
    client.post(f"{detail(training_class)}sessions/{session.pk}/remove/", headers=HTMX)
    assert not Session.objects.filter(pk=session.pk).exists()


def test_enrolment_by_id_number(login, make_class, trainees):
    training_class = make_class(people=0)
    person = trainees[0]
    client = login("institution")
    response = client.post(
        f"{detail(training_class)}enrollments/",
        {"id_number": decrypt_id_number(person)},
        headers=HTMX,
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert person.name in content and person.id_number_masked in content
    enrollment = Enrollment.objects.get(training_class=training_class, person=person)
    assert f"/decisions/{enrollment.eligibility_id}/" in content
    # The same person again, and a number nobody has: messages, nothing changes.
    client.post(
        f"{detail(training_class)}enrollments/",
        {"id_number": decrypt_id_number(person)},
        headers=HTMX,
    )
    response = client.post(
        f"{detail(training_class)}enrollments/", {"id_number": "110101199003077777"}, headers=HTMX
    )
    assert "alert-danger" in response.content.decode()
    assert training_class.enrollments.count() == 1
    # Taken off the roster with a reason.
    client.post(
        f"{detail(training_class)}enrollments/{enrollment.pk}/withdraw/",
        {"reason": "个人原因"},
        headers=HTMX,
    )
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.WITHDRAWN


def test_a_not_eligible_trainee_shows_the_reasons(login, make_class, act):
    training_class = make_class()
    refused = training_class.enrollments.filter(eligible=False).first()
    if refused is None:
        pytest.skip("every demo trainee is eligible under the current pack")
    page = login("institution").get(detail(training_class)).content.decode()
    from jineng.catalog.packs import decision_of

    for reason in decision_of(refused.eligibility).reasons("zh"):
        assert reason in page


# --- attendance ---------------------------------------------------------------------------------


def test_assessment_and_completion_on_the_page(login, make_class):
    training_class = make_class(state="in_progress")
    client = login("institution")
    enrollments = list(training_class.enrollments.order_by("pk"))
    for session in training_class.sessions.all():  # entered on each session's day
        with time_machine.travel(session.ends_at + timedelta(minutes=30), tick=False):
            client = login("institution")  # a fresh sign-in: the clock moved past the idle limit
            for enrollment in enrollments:
                values = {"session": session.pk, "person": enrollment.person_id, "present": "1",
                          "reason": "考勤机故障，手工补录"}  # fmt: skip
                response = client.post(f"{detail(training_class)}attendance/", values)
                assert response.status_code == 302 and "/attendance" not in response.url
    client = login("institution")
    # Completing before every assessment is recorded is refused.
    response = client.post(f"{detail(training_class)}complete/", follow=True)
    assert "alert-danger" in response.content.decode()
    assert state_of(training_class) == ClassState.IN_PROGRESS
    for number, enrollment in enumerate(enrollments):
        passed = "0" if number == 0 else "1"
        response = client.post(
            f"{detail(training_class)}enrollments/{enrollment.pk}/assessment/",
            {"passed": passed},
            headers=HTMX,
        )
        assert response.status_code == 200
    assert [e.assessment_passed for e in training_class.enrollments.order_by("pk")] == [
        False, True, True
    ]  # fmt: skip
    response = client.post(f"{detail(training_class)}complete/", follow=True)
    assert state_of(training_class) == ClassState.COMPLETED
    assert "alert-success" in response.content.decode()
    states = set(training_class.enrollments.values_list("state", flat=True))
    assert states == {EnrollmentState.COMPLETED, EnrollmentState.NOT_COMPLETED}


# --- the review queue ---------------------------------------------------------------------------


@pytest.fixture
def submitted(make_class):
    """Three submitted classes of 鸿鹄 on different days (the same trainees in each)."""
    plans = [("6-18-02-04", "5", 10), ("6-18-02-04", "4", 20), ("6-31-01-03", "5", 30)]
    return [
        make_class(TODAY - timedelta(days=back), occupation=occupation, level=level,
                   state="submitted")
        for occupation, level, back in plans
    ]  # fmt: skip


def test_the_queue_lists_the_submitted_classes_of_the_region(login, submitted, make_class):
    draft = make_class(TODAY - timedelta(days=50), people=0)
    client = login("city_reviewer")
    content = client.get("/classes/review/").content.decode()
    assert all(c.code in content for c in submitted) and draft.code not in content
    assert "<td>3 / 30</td>" in content  # three trainees, thirty places
    welding = Occupation.objects.get(code="6-18-02-04")
    content = client.get("/classes/review/", {"occupation": welding.code}).content.decode()
    assert submitted[0].code in content and submitted[2].code not in content
    since = (TODAY - timedelta(days=15)).isoformat()
    content = client.get("/classes/review/", {"start_from": since}).content.decode()
    assert submitted[0].code in content and submitted[1].code not in content
    content = login("county_reviewer").get("/classes/review/").content.decode()
    assert not any(c.code in content for c in submitted)


@pytest.fixture
def upcoming(make_class):
    """Three submitted classes of 鸿鹄 still to start: they may be approved (004 §四(三))."""
    plans = [("6-18-02-04", "5", 5), ("6-18-02-04", "4", 10), ("6-31-01-03", "5", 15)]
    return [
        make_class(TODAY + timedelta(days=ahead), occupation=occupation, level=level,
                   state="submitted")
        for occupation, level, ahead in plans
    ]  # fmt: skip


def test_bulk_approval_decides_each_class_on_its_own(login, upcoming):
    submitted = upcoming
    Session.objects.filter(training_class=submitted[2]).delete()  # it no longer passes the check
    client = login("city_reviewer")
    response = client.post(
        "/classes/review/decide/",
        {"classes": [c.pk for c in submitted], "decision": "approve"},
        follow=True,
    )
    assert [state_of(c) for c in submitted] == ["approved", "approved", "submitted"]
    assert submitted[2].code in response.content.decode()
    assert says(response, "The timetable has no session.")


def test_bulk_rejection_needs_a_reason(login, submitted):
    client = login("city_reviewer")
    chosen = {"classes": [submitted[0].pk, submitted[1].pk], "decision": "reject"}
    response = client.post("/classes/review/decide/", chosen, follow=True)
    assert "alert-danger" in response.content.decode()
    assert [state_of(c) for c in submitted[:2]] == ["submitted", "submitted"]
    client.post("/classes/review/decide/", {**chosen, "reason": "场地证明缺失"})
    assert [state_of(c) for c in submitted[:2]] == ["rejected", "rejected"]
    assert submitted[0].changes.last().reason == "场地证明缺失"


def test_bulk_review_outside_the_scope_changes_nothing(login, submitted):
    response = login("county_reviewer").post(
        "/classes/review/decide/",
        {"classes": [c.pk for c in submitted], "decision": "approve"},
        follow=True,
    )
    assert response.status_code == 200
    assert {state_of(c) for c in submitted} == {"submitted"}
    assert login("institution").post(
        "/classes/review/decide/", {"classes": [submitted[0].pk], "decision": "approve"}
    ).status_code == 403  # fmt: skip


# --- commitment and devices ---------------------------------------------------------------------


def test_the_signed_commitment_is_uploaded_and_downloaded(login, make_class):
    training_class = make_class(commitment_reason="pre_job")
    client = login("institution")
    page = client.get(detail(training_class)).content.decode()
    assert 'id="commitment-file"' in page
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("承诺书.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = client.post(f"{detail(training_class)}commitment/upload/", {"file": upload})
    assert response.status_code == 302
    stored = bytes(Commitment.objects.get(training_class=training_class).content)
    assert b"%PDF" not in stored and Commitment.CONTENT.open(stored) == b"%PDF-1.4 signed"
    download = login("city_reviewer").get(f"{detail(training_class)}commitment/")
    assert download.status_code == 200
    assert download.content == b"%PDF-1.4 signed"
    assert "attachment" in download["Content-Disposition"]
    assert login("county_reviewer").get(f"{detail(training_class)}commitment/").status_code == 404


def test_devices_are_registered_with_a_token_shown_once(login, institution):
    client = login("institution")
    assert client.get("/classes/devices/").status_code == 200
    response = client.post("/classes/devices/", {"name": "201教室门口"})
    device = Device.objects.get(institution=institution, name="201教室门口")
    content = response.content.decode()
    assert 'id="token"' in content and device.token_hint in content
    token = content.split('id="token">')[1].split("<")[0]
    assert services.device_for_token(token) == device
    assert 'id="token"' not in client.get("/classes/devices/").content.decode()
    assert "201教室门口" in client.get("/classes/devices/").content.decode()
    client.post(f"/classes/devices/{device.pk}/deactivate/")
    device.refresh_from_db()
    assert not device.active
    assert services.device_for_token(token) is None
    assert login("city_reviewer").post(f"/classes/devices/{device.pk}/deactivate/").status_code == (
        404
    )


def complete_button(page: str) -> str:
    return re.search(r'<button[^>]*id="action-complete"[^>]*>', page).group(0)


def test_completion_is_disabled_with_its_reason_until_the_class_has_ended(login, make_class):
    """Issue 14: before the end date 结业 shows disabled with the day (the rule complete()
    checks); the POST is still refused; after the end, the missing assessments are the reason."""
    running = make_class(TODAY, days=3, state="in_progress")
    client = login("institution")
    page = client.get(detail(running)).content.decode()
    reason = f"培训班于{running.end_date}结束，须在该日之后办理结业。"
    assert 'disabled aria-disabled="true"' in complete_button(page)
    assert f'title="{reason}"' in complete_button(page)
    assert f'id="action-complete-why">{reason}</small>' in page
    response = client.post(f"{detail(running)}complete/", follow=True)
    assert reason in response.content.decode()
    assert state_of(running) == ClassState.IN_PROGRESS
    ended = make_class(state="in_progress", level="4")  # ended, no assessment recorded yet
    page = client.get(detail(ended)).content.decode()
    assert "disabled" in complete_button(page)
    assert "请登记以下学员的考核结果" in page


def test_the_messages_after_each_step_say_what_comes_next_and_who_acts(login, make_class):
    """Issue 14: not just 已保存: submitted names the reviewing bureau, approved says the
    institution can run the training, a new application says what to add and to whom it goes."""
    client = login("institution")
    response = client.post("/classes/new/", application(), follow=True)
    created = TrainingClass.objects.get(name="焊工（初级）培训班")
    assert f"开班申请{created.code}已保存为草稿" in response.content.decode()
    assert "提交商丘市人力资源和社会保障局审核" in response.content.decode()
    training_class = make_class(TODAY + timedelta(days=20), level="4")
    response = client.post(f"{detail(training_class)}state/", {"state": "submitted"}, follow=True)
    assert state_of(training_class) == ClassState.SUBMITTED
    assert "已提交，等待商丘市人力资源和社会保障局审核。" in response.content.decode()
    response = login("city_reviewer").post(
        f"{detail(training_class)}state/", {"state": "approved"}, follow=True
    )
    assert state_of(training_class) == ClassState.APPROVED
    start = training_class.start_date.isoformat()
    assert f"已审核通过，培训机构可自{start}起按课表开展培训。" in response.content.decode()
