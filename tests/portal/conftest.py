import pytest

from jineng.core import services as core_services
from jineng.core import sms
from jineng.core.demo import DEMO_PASSWORD
from jineng.core.roles import Role
from jineng.people import services as people
from tests.factories import PersonFactory


@pytest.fixture
def outbox(settings):
    """The test gateway's messages (jineng.core.sms.outbox), empty at the start."""
    settings.SMS_BACKEND = "jineng.core.sms.OutboxBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def make_worker(act):
    """make_worker(person=None, name=...): a worker login linked to a person (a new rural
    migrant worker of 梁园区 unless given), with the demo password."""
    count = {"n": 0}

    def make(person=None, *, username=None):
        count["n"] += 1
        person = person or PersonFactory(categories=["rural_migrant"])
        with act(None):
            user = core_services.create_user(
                username=username or f"portal_worker{count['n']}", password=DEMO_PASSWORD,
                organisation=person.organisation, roles=[Role.WORKER], full_name=person.name,
            )  # fmt: skip
            people.link_user(person, user)
        person.refresh_from_db()
        user.refresh_from_db()
        return person, user

    return make


@pytest.fixture
def signed_in(client):
    def do(user):
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": user.username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, response.content[:500]
        return client

    return do
