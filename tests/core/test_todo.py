"""The home page's to-do card: what waits for each user, counted inside their data scope."""

import re

import pytest

from jineng.claims.models import Claim, ClaimState, Objection, ObjectionState
from jineng.training.models import ClassState, TrainingClass
from tests.factories import ClaimFactory, TrainingClassFactory

pytestmark = pytest.mark.django_db


def todo_of(client) -> dict[str, int]:
    """{label: count} of the card on the home page."""
    html = client.get("/").content.decode()
    card = re.search(r'<ul class="list-unstyled mb-0" id="todo">(.*?)</ul>', html, re.S)
    if card is None:
        return {}
    rows = re.findall(r'<a href="[^"]+">([^<]+)</a><span[^>]*>(\d+)</span>', card.group(1))
    return {label: int(count) for label, count in rows}


@pytest.fixture
def waiting(db):
    """A class of 鸿鹄 submitted for approval, one completed and not claimed for yet, and claims
    of 鸿鹄 submitted, in notice with an objection, and payable."""
    TrainingClassFactory(state="submitted")
    TrainingClassFactory(state="completed")
    for state, options in [("submitted", {}), ("in_notice", {"objection": True}), ("payable", {})]:
        ClaimFactory(state=state, **options)


@pytest.mark.usefixtures("waiting")
def test_the_city_reviewer_sees_what_waits_for_the_bureau(login):
    """004 §四(三) 开班审核 and §四(五) 审核、公示、拨付: the reviewer's queues and counts."""
    todo = todo_of(login("city_reviewer"))
    submitted_classes = TrainingClass.objects.filter(state=ClassState.SUBMITTED).count()
    assert todo["待审核的开班申请"] == submitted_classes > 0
    assert todo["待审核的补贴申领"] == Claim.objects.filter(state=ClaimState.SUBMITTED).count() > 0
    assert todo["待处理的异议"] == Objection.objects.filter(state=ObjectionState.OPEN).count() > 0
    assert todo["待拨付的补贴申领"] == Claim.objects.filter(state=ClaimState.PAYABLE).count() > 0


@pytest.mark.usefixtures("waiting")
def test_the_county_reviewer_counts_only_its_county(login):
    """The claims waiting are the city's: a county reviewer has none of them waiting."""
    todo = todo_of(login("county_reviewer"))
    assert "待审核的补贴申领" not in todo and "待拨付的补贴申领" not in todo


@pytest.mark.usefixtures("waiting")
def test_the_institution_and_the_worker_see_their_own_work_only(login):
    institution = todo_of(login("institution"))
    assert "待审核的开班申请" not in institution and "待拨付的补贴申领" not in institution
    assert institution.get("可申领补贴的培训班和评价", 0) >= 1  # the completed class
    worker = todo_of(login("worker"))
    assert set(worker) <= {"待领取的培训券"}
