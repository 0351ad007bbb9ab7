"""Uploads with personal or sensitive content sealed at rest with the data key (issue 20;
等保三级 GB/T 22239-2019 8.1.4.8 数据保密性, PIPL art. 51): a class's signed commitment
(承诺书), an enterprise's size-class evidence file and the photos of an on-site check. Each is
stored sealed, read back only by those who see its record, re-sealed by `jineng keys rotate`,
and the migrations seal the rows stored in clear before."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from jineng.core import crypto, keys
from jineng.core.models import Organisation
from jineng.institutions import services as institutions
from jineng.institutions.models import Enterprise
from jineng.supervision import services as supervision
from jineng.supervision.models import Finding, OnSitePhoto
from jineng.training import services as training
from jineng.training.models import Commitment
from tests.actors import act
from tests.factories import TrainingClassFactory, credit_code
from tests.supervision.builders import world

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 signed by the institution"
EVIDENCE = b"%PDF-1.4 2025 financial statements"
PNG = b"\x89PNG\r\n\x1a\n" + b"on-site" * 8
NEW_KEY = b"u" * 32

MIGRATIONS = [  # (module, model, its Sealed column)
    ("jineng.training.migrations.0008_seal_uploads", Commitment, Commitment.CONTENT),
    ("jineng.institutions.migrations.0010_seal_uploads", Enterprise, Enterprise.EVIDENCE),
    ("jineng.supervision.migrations.0002_seal_uploads", OnSitePhoto, OnSitePhoto.CONTENT),
]


@pytest.fixture
def uploads():
    """One of each upload, made through its service as its user would."""
    training_class = TrainingClassFactory(commitment_reason="pre_job", people=1)
    with act("institution"):
        commitment = training.attach_commitment(
            training_class, filename="承诺书.pdf", content=PDF, content_type="application/pdf"
        )
    with act("city_reviewer"):
        enterprise = institutions.record_enterprise(
            uscc=credit_code("411402", 940001, authority="91"), name="商丘市封存测试有限公司",
            bureau=Organisation.objects.get(code="411400"), size="small",
            size_evidence="2025年度财务报表", size_assessed_on=date(2026, 3, 1),
            evidence_file=institutions.EvidenceFile("年报.pdf", EVIDENCE, "application/pdf"),
        )  # fmt: skip
    w = world()
    person = w.person()
    w.training_class(trainees=[person])
    w.training_class(w.institutions[1], hours=(10, 13), trainees=[person])
    with act(w.reviewer):
        supervision.run_checks(w.bureau, date(2026, 1, 1), date(2026, 12, 31))
        finding = Finding.objects.get(check_code="overlapping_classes", person=person)
        supervision.record_onsite_check(
            finding, checked_on=timezone.localdate() - timedelta(days=1),
            people_present="审核员", result="consistent",
            photos=[supervision.Photo("site.png", PNG)],
        )  # fmt: skip
    photo = OnSitePhoto.objects.get(check_record__finding=finding)
    return commitment, enterprise, photo, w.reviewer


def stored(model, column: crypto.Sealed, pk) -> bytes:
    return bytes(model._base_manager.filter(pk=pk).values_list(column.cipher, flat=True).get())


def test_each_upload_is_sealed_at_rest_and_read_back_within_the_scope(uploads):
    """等保三级 8.1.4.8: neither the file nor a piece of it is in its column; the reading
    services give it back to those who see its record and refuse the others."""
    commitment, enterprise, photo, reviewer = uploads
    for model, column, pk, plain in (
        (Commitment, Commitment.CONTENT, commitment.pk, PDF),
        (Enterprise, Enterprise.EVIDENCE, enterprise.pk, EVIDENCE),
        (OnSitePhoto, OnSitePhoto.CONTENT, photo.pk, PNG),
    ):
        value = stored(model, column, pk)
        assert plain[:8] not in value and value[:6] == crypto.ring().prefix
        assert column.open(value) == plain
    with act("city_reviewer"):
        assert training.read_commitment(commitment) == PDF
        assert institutions.read_evidence_file(enterprise) == EVIDENCE
    with act("institution"):
        assert training.read_commitment(commitment) == PDF  # its own class
    with act(reviewer):
        assert supervision.read_photo(photo) == PNG
    with act("county_reviewer"):  # 商丘's county: neither the city's enterprise nor 鸿鹄's class
        with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
            training.read_commitment(commitment)
        with pytest.raises(PermissionDenied, match="不在您的管辖区域内"):
            institutions.read_evidence_file(enterprise)
    with (
        act("city_reviewer"),
        pytest.raises(PermissionDenied, match="不在您的辖区内"),
    ):  # 商丘, not 洛阳's finding
        supervision.read_photo(photo)


def test_rotation_reseals_the_uploads_and_they_read_with_the_old_key_retired(settings, uploads):
    """`jineng keys rotate` covers the uploads (等保三级 8.1.4.8 key management)."""
    commitment, enterprise, photo, reviewer = uploads
    old_key = crypto.ring().current
    settings.CRYPTO_SUITE, settings.DATA_KEY = "sm", NEW_KEY
    settings.DATA_KEYS_OLD = ((("aes", "sm"), old_key),)
    state = {m.label: m for m in keys.status()}
    for label in ("training.Commitment", "institutions.Enterprise", "supervision.OnSitePhoto"):
        assert state[label].stale >= 1
    keys.rotate(chunk=2, progress=lambda line: None)
    assert all(m.stale == 0 for m in keys.status())
    settings.DATA_KEYS_OLD = ()
    commitment = Commitment.objects.get(pk=commitment.pk)
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    photo = OnSitePhoto.objects.get(pk=photo.pk)
    assert bytes(commitment.content)[:6] == crypto.ring().prefix
    with act("city_reviewer"):
        assert training.read_commitment(commitment) == PDF
        assert institutions.read_evidence_file(enterprise) == EVIDENCE
    with act(reviewer):
        assert supervision.read_photo(photo) == PNG


def test_the_migrations_seal_the_rows_stored_in_clear_and_going_back_unseals_them(uploads):
    """The rows uploaded before issue 20 are sealed by the migrations (once: a value already
    sealed is left alone), with the purpose the model's `sealed_fields` names."""
    commitment, enterprise, photo, _reviewer = uploads
    rows = {Commitment: (commitment.pk, PDF), Enterprise: (enterprise.pk, EVIDENCE),
            OnSitePhoto: (photo.pk, PNG)}  # fmt: skip
    for module, model, column in MIGRATIONS:
        migration = importlib.import_module(module).UPLOADS
        assert (migration.column, migration.purpose) == (column.cipher, column.purpose)
        assert column in model.sealed_fields
        pk, plain = rows[model]
        model._base_manager.filter(pk=pk).update(**{column.cipher: plain})  # as before
        migration.seal(django_apps, None)
        sealed = stored(model, column, pk)
        assert sealed != plain and column.open(sealed) == plain
        migration.seal(django_apps, None)  # run again: nothing sealed twice
        assert stored(model, column, pk) == sealed
        migration.unseal(django_apps, None)
        assert stored(model, column, pk) == plain
        migration.seal(django_apps, None)
        assert column.open(stored(model, column, pk)) == plain
