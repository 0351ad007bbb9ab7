"""Published training and sign-up in tests: an approved class of 鸿鹄 published, workers with a
login and a registry record, all through the services."""

from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

from jineng.core import services as core_services
from jineng.core.roles import Role
from jineng.offers import services
from jineng.offers.models import OfferKind
from tests.actors import act
from tests.factories import PersonFactory, TrainingClassFactory, bureau

PASSWORD = "Offers@2026x"
_serial = count(1)


def worker(categories=("rural_migrant",)):
    """A registered person (梁园区) with a worker login linked to their record."""
    person = PersonFactory(categories=list(categories))
    with act(None):
        user = core_services.create_user(
            username=f"offers_worker{next(_serial)}", password=PASSWORD,
            organisation=bureau("411402"), roles=[Role.WORKER],
        )  # fmt: skip
        services.people.link_user(person, user)
    person.refresh_from_db()
    return person


@pytest.fixture
def make_worker(db):
    return worker


@pytest.fixture
def approved_class(db):
    """An approved welding class of 鸿鹄 starting in 20 days: three places, one trainee on the
    roster the institution enrolled itself (a class is approved with a roster), two free."""
    start = timezone.localdate() + timedelta(days=20)
    trainee = PersonFactory(categories=["rural_migrant"])
    return TrainingClassFactory(start=start, state="approved", trainees=[trainee], capacity=3)


@pytest.fixture
def offer(approved_class):
    with act("institution"):
        return services.publish(kind=OfferKind.CLASS, training_class=approved_class,
                                title="焊工（初级）免费培训")  # fmt: skip
