"""Photos of tests/data/faces (README there), a class running now and people to enrol."""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageFilter

from jineng.faces import index, services
from jineng.institutions.models import Institution
from tests.factories import PersonFactory, TrainingClassFactory

PHOTOS = Path(__file__).resolve().parents[1] / "data" / "faces"


def photo(name: str) -> bytes:
    """A test photo by its path under tests/data/faces, e.g. "obama/1.jpg"."""
    return (PHOTOS / name).read_bytes()


def blurred(name: str, radius: int = 8) -> bytes:
    out = io.BytesIO()
    Image.open(PHOTOS / name).convert("RGB").filter(ImageFilter.GaussianBlur(radius)).save(
        out, "JPEG"
    )
    return out.getvalue()


def no_face() -> bytes:
    """A photo of a wall: a grey gradient with some noise, no face."""
    out = io.BytesIO()
    Image.linear_gradient("L").resize((480, 360)).effect_spread(3).convert("RGB").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def fresh_index():
    index.invalidate()
    yield
    index.invalidate()


@pytest.fixture
def institution(orgs):
    return Institution.objects.get(organisation=orgs["inst_city"])


@pytest.fixture
def trainees(db):
    return PersonFactory.create_batch(4, categories=["rural_migrant"])


@pytest.fixture
def running(act, institution, trainees):
    """A class in progress (its first session today) with the four trainees."""
    return TrainingClassFactory(state="in_progress", trainees=trainees, institution=institution)


@pytest.fixture
def enrolled(act):
    """enrolled(person, "obama/1.jpg"): consent and template, as the counter takes them."""

    def enrol(person, name: str, user: str = "county_reviewer"):
        with act(user):
            services.give_consent(person)
            return services.enrol(person, photo(name))

    return enrol
