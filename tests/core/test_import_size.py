"""Issue 20, finding 6: one size limit for an upload to import (JINENG_IMPORT_MAX_MB, 50 MB by
default), the same on the page and through the API (which took 60 MB)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jineng.core.models import ImportJob

pytestmark = pytest.mark.django_db


def a_file(megabytes: float) -> SimpleUploadedFile:
    content = b"code,name\n" + b"411400,x\n" * int(megabytes * 2**20 / 9)
    return SimpleUploadedFile("regions.csv", content, content_type="text/csv")


@pytest.fixture
def admin(users):
    client = Client()
    client.force_login(users["admin"])
    return client


def test_the_api_and_the_page_refuse_a_file_over_the_one_limit(admin, settings):
    settings.IMPORT_MAX_MB = 1
    before = ImportJob.objects.count()
    response = admin.post("/api/v1/imports/", {"kind": "regions", "file": a_file(1.5)})
    assert response.status_code == 400, response.content[:300]
    assert "1 MB" in response.json()["file"][0]
    page = admin.post("/imports/new/regions/", {"file": a_file(1.5)})
    assert "1 MB" in page.content.decode()
    assert ImportJob.objects.count() == before
    response = admin.post("/api/v1/imports/", {"kind": "regions", "file": a_file(0.5)})
    assert response.status_code == 202, response.content[:300]
