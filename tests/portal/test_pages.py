"""The worker's pages (issue 19): their own menu, and never another person's data, whatever id
is typed into an address (pages and API)."""

import pytest

from jineng.claims.models import LineState
from jineng.portal.models import Notification
from tests.factories import BookingFactory, CertificateFactory, ClaimFactory, TrainingClassFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/me/classes/",
    "/me/evaluations/",
    "/me/certificates/",
    "/me/subsidies/",
    "/me/notices/",
    "/me/notifications/",
    "/me/data/",
    "/vouchers/mine/",
]


@pytest.fixture
def two_workers(make_worker):
    """Two workers of one class, each with a certificate and a line on a running notice."""
    claim = ClaimFactory(state="in_notice", outcomes=("certificate", "certificate"))
    lines = list(claim.lines.filter(state=LineState.APPROVED).select_related("person"))
    (mine, me), (theirs, them) = make_worker(lines[0].person), make_worker(lines[1].person)
    return {"claim": claim, "me": me, "mine": mine, "them": them, "theirs": theirs,
            "their_line": lines[1], "my_line": lines[0]}  # fmt: skip


def test_each_page_shows_my_data_and_never_the_other_workers(two_workers, signed_in):
    client = signed_in(two_workers["me"])
    mine, theirs = two_workers["mine"], two_workers["theirs"]
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert theirs.name not in page, url
        assert theirs.id_number_masked not in page, url
    assert mine.certificates.get().number in client.get("/me/certificates/").content.decode()
    subsidies = client.get("/me/subsidies/").content.decode()
    assert f'id="line-{two_workers["my_line"].pk}"' in subsidies
    assert f'id="line-{two_workers["their_line"].pk}"' not in subsidies
    assert 'data-stage="in_notice"' in subsidies  # 公示 until its last day (004 §四(五))


def test_the_worker_menu_has_no_catalogs_and_no_api(two_workers, signed_in):
    page = signed_in(two_workers["me"]).get("/me/classes/").content.decode()
    assert "/catalogs/" not in page and "/api/docs/" not in page and "/account/tokens/" not in page
    for url in ("/me/classes/", "/me/certificates/", "/me/subsidies/", "/me/data/"):
        assert f'href="{url}"' in page


def test_id_tampering_opens_nothing_of_another_person(two_workers, signed_in):
    """Every address that takes an id, with the other worker's: 404, nothing shown."""
    client = signed_in(two_workers["me"])
    theirs = two_workers["theirs"]
    certificate = theirs.certificates.get()
    for url in (
        f"/certificates/{certificate.pk}/",
        f"/certificates/{certificate.pk}/pdf/",
        f"/people/{theirs.pk}/",
        f"/api/v1/certificates/{certificate.pk}/",
        f"/api/v1/people/{theirs.pk}/",
        # The claim lists both workers: it is the institution's and the bureau's record.
        f"/claims/{two_workers['claim'].pk}/",
        f"/api/v1/claims/{two_workers['claim'].pk}/",
        f"/api/v1/classes/{two_workers['claim'].training_class_id}/",
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert theirs.name not in response.content.decode(errors="replace"), url
    # The API's lists hold the worker's own rows only.
    listed = client.get("/api/v1/certificates/").content.decode()
    assert certificate.number not in listed
    assert two_workers["mine"].certificates.get().number in listed


def test_an_objection_to_a_notice_not_mine_is_refused(two_workers, signed_in, make_worker):
    """The objection button of the worker's own notice lodges through claims; another notice's
    id (one that does not list the worker) is a 404, and a line not theirs is refused."""
    client = signed_in(two_workers["me"])
    notice = two_workers["claim"].notice
    refused = client.post(
        f"/me/notices/{notice.pk}/object/",
        {"line": two_workers["their_line"].pk, "text": "不是我的"},
    )
    assert refused.status_code == 302 and not notice.objections.exists()
    other = ClaimFactory(state="in_notice", outcomes=("certificate",))
    assert (
        client.post(f"/me/notices/{other.notice.pk}/object/", {"line": 1, "text": "x"}).status_code
        == 404
    )
    lodged = client.post(
        f"/me/notices/{notice.pk}/object/",
        {"line": two_workers["my_line"].pk, "text": "金额有误，我取得的是四级证书。"},
    )
    assert lodged.status_code == 302
    objection = notice.objections.get()
    assert objection.line == two_workers["my_line"]
    assert objection.contact_name == two_workers["mine"].name


def test_other_roles_have_no_worker_pages(login):
    client = login("institution")
    for url in PAGES[1:-1]:
        assert client.get(url).status_code == 403, url


def test_my_classes_show_the_timetable_and_attendance(make_worker, signed_in):
    person, user = make_worker()
    training_class = TrainingClassFactory(state="completed", trainees=[person])
    BookingFactory(training_class=training_class)
    CertificateFactory(person=person, training_class=training_class, level="5")
    client = signed_in(user)
    classes = client.get("/me/classes/").content.decode()
    assert training_class.code in classes and "data-attendance" in classes
    sessions = training_class.sessions.count()
    assert f"{sessions}" in classes
    evaluations = client.get("/me/evaluations/").content.decode()
    assert 'data-booking="accepted"' in evaluations
    assert Notification.objects.filter(user=user).count() == 3


def test_the_notifications_api_answers_only_my_own(make_worker, signed_in):
    (me_person, me), (them_person, them) = make_worker(), make_worker()
    TrainingClassFactory(state="approved", trainees=[me_person, them_person])
    theirs = Notification.objects.get(user=them)
    client = signed_in(me)
    listed = client.get("/api/v1/me/notifications/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [Notification.objects.get(user=me).pk]
    assert rows[0]["kind"] == "accepted" and rows[0]["text"]
    assert client.get(f"/api/v1/me/notifications/{theirs.pk}/").status_code == 404
    assert client.post("/api/v1/me/notifications/read/").json() == {"read": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
