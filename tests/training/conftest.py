"""A class of the demo institution (鸿鹄, welding 5级), built through the services.

A class that has started is opened, submitted and approved on a day before its start
(tests.clock.before_start, 004 §四(三)), then the test comes back to today."""

import json
from datetime import date

import pytest
from django.test import Client

from jineng.institutions.models import Institution
from tests.factories import PersonFactory, TrainingClassFactory


@pytest.fixture
def institution(orgs):
    return Institution.objects.get(organisation=orgs["inst_city"])


@pytest.fixture
def trainees(db):
    """Six people registered for the test (rural migrant workers, eligible for subsidies)."""
    return PersonFactory.create_batch(6, categories=["rural_migrant"])


@pytest.fixture
def make_class(act, institution, trainees):
    """make_class(start, days=3, people=3, state="draft"|"submitted"|"approved"|"in_progress"):
    a class of the first `people` trainees (tests.factories.TrainingClassFactory)."""

    def make(start: date | None = None, *, days: int = 3, people: int = 3, state="draft",
             **values):  # fmt: skip
        return TrainingClassFactory(
            start=start, days=days, state=state, trainees=trainees[:people],
            institution=institution, **values,
        )  # fmt: skip

    return make


@pytest.fixture
def api(users):
    """api(username, method, path, body=None, **headers) -> (status, JSON body)."""
    clients: dict[str, Client] = {}

    def do(username, method, path, body=None, **headers):
        if username not in clients:
            clients[username] = Client()
            if username is not None:
                clients[username].force_login(users[username])
        send = getattr(clients[username], method.lower())
        if body is None:
            response = send(path, **headers)
        else:
            response = send(path, json.dumps(body), content_type="application/json", **headers)
        content = response.content
        return response.status_code, json.loads(content) if content else None

    return do


@pytest.fixture
def people(db):
    """Twenty people registered for the test."""
    return PersonFactory.create_batch(20)
