"""Face templates at enrolment (人脸识别考勤, 000 §三(八); issue 18): one face, large and sharp
enough, only with the person's separate consent (PIPL art. 29), sealed with the data key (PIPL
art. 28, 51), deleted after the retention (PIPL art. 19, 47)."""

from datetime import timedelta

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from jineng.core import crypto, keys
from jineng.core.models import AuditEntry
from jineng.faces import engine, services
from jineng.faces.models import TEMPLATE_FIELD, FaceConsent, FaceTemplate
from jineng.faces.tasks import purge_expired
from tests.faces.conftest import blurred, no_face, photo
from tests.factories import PersonFactory, TrainingClassFactory

SETTINGS = {"min_pixels": 80, "min_sharpness": 60}


def encode(name: str) -> np.ndarray:
    return engine.encode(photo(name), **SETTINGS).template


def test_same_person_matches_across_photos_and_different_people_do_not():
    """The threshold (0.55 by default) separates the test photos: same person below, others
    above (README of tests/data/faces)."""
    obama = [encode("obama/1.jpg"), encode("obama/2.jpg")]
    kit = [encode("kit_harington/2.jpg"), encode("kit_harington/3.jpg")]
    others = [encode("biden/2.jpg"), encode("rose_leslie/2.jpg")]
    assert engine.distance(*obama) < 0.5
    assert engine.distance(*kit) < 0.5
    for a in obama + kit:
        for b in others:
            assert engine.distance(a, b) > 0.6
    assert engine.distance(obama[0], kit[0]) > 0.6


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (lambda: photo("group/two_people.jpg"), engine.Refusal.SEVERAL_FACES),
        (no_face, engine.Refusal.NO_FACE),
        (lambda: photo("obama/4-240p.jpg"), engine.Refusal.TOO_SMALL),
        (lambda: blurred("obama/1.jpg"), engine.Refusal.TOO_BLURRY),
        (lambda: b"GIF89a not really", engine.Refusal.NOT_AN_IMAGE),
    ],
)
def test_a_photo_without_exactly_one_good_face_is_refused_with_its_reason(data, code):
    with pytest.raises(engine.FaceRefused) as refused:
        engine.encode(data(), **SETTINGS)
    assert refused.value.code == code
    with pytest.raises(ValidationError) as problem:
        services.encode(data())
    assert problem.value.code == code and problem.value.messages[0]


def test_the_refusals_are_said_in_chinese():
    with pytest.raises(ValidationError) as problem:
        services.encode(photo("group/two_people.jpg"))
    assert problem.value.messages == ["照片中有 2 张人脸，只能有一张。"]
    with pytest.raises(ValidationError) as problem:
        services.encode(no_face())
    assert problem.value.messages == ["照片中没有找到人脸。"]


def test_no_template_without_the_separate_consent_pipl_29(act, trainees):
    person = trainees[0]
    with act("county_reviewer"), pytest.raises(ValidationError, match="单独同意"):
        services.enrol(person, photo("obama/1.jpg"))
    assert not FaceTemplate.objects.exists()
    with act("county_reviewer"):
        consent = services.give_consent(person)
        template, duplicates = services.enrol(person, photo("obama/1.jpg"))
    assert consent.text_version == services.CONSENT_VERSION and consent.recorded_by
    assert template.consent == consent and duplicates == []
    with act("county_reviewer"), pytest.raises(ValidationError, match="旧版告知书"):
        services.give_consent(person, "2019-01")  # an outdated text records nothing
    assert FaceConsent.objects.filter(person=person).count() == 1


def test_only_the_counter_or_the_institution_takes_a_photo(act, trainees):
    with (
        act("finance"),
        pytest.raises(PermissionDenied, match="只有经办窗口或培训机构可以记录同意"),
    ):
        services.give_consent(trainees[0])
    with act("worker"), pytest.raises(PermissionDenied, match="只有经办窗口或培训机构可以记录同意"):
        services.give_consent(trainees[0])


def test_withdrawing_the_consent_deletes_the_template_pipl_47(act, trainees, enrolled):
    enrolled(trainees[0], "obama/1.jpg")
    with act("county_reviewer"):
        services.withdraw_consent(trainees[0])
    assert not FaceTemplate.objects.exists()
    assert FaceConsent.objects.get().withdrawn_at is not None


def test_the_template_is_sealed_with_the_data_key_and_rotated(act, trainees, enrolled):
    """PIPL art. 51: encrypted at rest; listed in sealed_fields so `jineng keys rotate`
    re-seals it."""
    template, _ = enrolled(trainees[0], "obama/1.jpg")
    stored = bytes(FaceTemplate.objects.get().template)
    assert stored.startswith(crypto.ring().prefix)
    assert engine.to_bytes(encode("obama/1.jpg")) not in stored
    assert len(engine.from_bytes(crypto.decrypt_bytes(stored, TEMPLATE_FIELD))) == 128
    sealed = {model for model, _fields in keys.sealed_models()}
    assert FaceTemplate in sealed


def test_the_photo_is_not_kept_unless_a_setting_says_so(act, trainees, enrolled):
    enrolled(trainees[0], "obama/1.jpg")
    assert FaceTemplate.objects.get().photo is None
    with override_settings(FACE_KEEP_PHOTOS=True):
        enrolled(trainees[1], "kit_harington/2.jpg")
    kept = FaceTemplate.objects.get(person=trainees[1]).photo
    assert kept is not None and bytes(kept).startswith(crypto.ring().prefix)


def test_no_template_or_photo_in_the_audit_log(act, trainees, enrolled):
    enrolled(trainees[0], "obama/1.jpg")
    entries = AuditEntry.objects.filter(object_type="faces.facetemplate")
    assert entries.exists()
    for entry in entries:
        assert "template" not in (entry.after or {}) and "photo" not in (entry.after or {})
        assert "template" not in (entry.before or {})


def test_the_template_is_deleted_once_the_retention_has_passed_after_the_last_class(
    act, trainees, enrolled, institution
):
    """Deleted by the scheduled task (faces.tasks.purge_expired) once JINENG_FACE_RETENTION_DAYS
    have passed after the person's last class; a person in no class from the enrolment."""
    today = timezone.localdate()
    running = TrainingClassFactory(
        start=today, days=5, state="in_progress", trainees=trainees, institution=institution
    )
    enrolled(trainees[0], "obama/1.jpg")  # in the class, which ends in four days
    outsider = PersonFactory()
    enrolled(outsider, "kit_harington/2.jpg")
    end = running.end_date
    with override_settings(FACE_RETENTION_DAYS=30):
        with act(None):
            assert services.purge_expired(today + timedelta(days=30)) == 0
        result = purge_expired.call(str(today + timedelta(days=31)))
        assert result == {"deleted": 1}  # the outsider's, 31 days after the enrolment
        assert FaceTemplate.objects.get().person == trainees[0]
        with act(None):
            assert services.purge_expired(end + timedelta(days=30)) == 0
            assert services.purge_expired(end + timedelta(days=31)) == 1
    assert not FaceTemplate.objects.exists()
    deletions = AuditEntry.objects.filter(object_type="faces.facetemplate", action="delete")
    assert deletions.count() == 2 and all(e.actor is None for e in deletions)
