"""Draft packs (issue 22): a copy of a loaded pack, edited, versioned, read by the same strict
loader, marked draft, and never used for a real decision."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jineng.catalog.models import PolicyPackVersion
from jineng.catalog.packs import pack_for
from jineng.claims.models import ClaimLine
from jineng.core.models import Organisation
from jineng.whatif import drafts
from jineng.whatif.models import DraftRevision
from tests.actors import act
from tests.claims import builders_core
from tests.whatif.builders import certified, claimed, hebei_draft, person

pytestmark = pytest.mark.django_db
hebei = builders_core.hebei  # fixture, used by name


def shangqiu_draft():
    version = PolicyPackVersion.objects.filter(pack_id="henan-shangqiu-2022").first()
    with act("city_reviewer"):
        return drafts.copy_pack(version, Organisation.objects.get(code="411400"))


def test_copy_is_marked_draft_and_read_by_the_strict_loader():
    draft = shangqiu_draft()
    revision = draft.latest()
    assert revision.number == 1 and revision.valid and not revision.error
    pack = drafts.accepted(revision)
    assert pack.id == "henan-shangqiu-2022"
    assert pack.title.startswith(drafts.DRAFT_MARK)
    assert revision.source_text.startswith("# 草稿 DRAFT")


def test_each_change_is_a_new_revision_and_the_old_one_is_kept():
    """004 §四(五) 80%: the certificate rate of Shangqiu's pack (borrowed from 004) set to 70%."""
    draft = shangqiu_draft()
    with act("city_reviewer"):
        second = drafts.set_value(draft, "training.rates.certificate", "0.70")
    assert second.number == 2 and second.valid
    assert drafts.accepted(second).value("training.rates.certificate") == Decimal("0.70")
    first = DraftRevision.objects.get(draft=draft, number=1)
    assert drafts.accepted(first).value("training.rates.certificate") == Decimal("0.80")
    # the cite and note of the rule are kept as the author wrote them
    assert (
        'certificate = { value = 0.70, cite = "004 §四(五)", assumed = true' in second.source_text
    )


def test_a_value_the_loader_refuses_is_kept_marked_refused():
    draft = shangqiu_draft()
    with act("city_reviewer"):
        refused = drafts.set_value(draft, "training.rates.certificate", "1.5")
    assert not refused.valid
    assert "training.rates.certificate" in refused.error
    with pytest.raises(ValidationError, match="training.rates.certificate"):
        drafts.accepted(refused)


def test_an_unknown_rule_is_refused_with_a_message():
    draft = shangqiu_draft()
    with act("city_reviewer"), pytest.raises(ValidationError, match="training.rates.nonsense"):
        drafts.set_value(draft, "training.rates.nonsense", "1")
    assert draft.revisions.count() == 1


def test_an_uploaded_file_that_is_not_utf8_is_refused():
    draft = shangqiu_draft()
    with act("city_reviewer"), pytest.raises(ValidationError, match="UTF-8"):
        drafts.upload(draft, "id = 1".encode("gbk") + b"\xff\xfe")


def test_an_institution_cannot_draft():
    version = PolicyPackVersion.objects.filter(pack_id="henan-shangqiu-2022").first()
    with act("institution"), pytest.raises(PermissionDenied, match="不能编辑政策包草稿"):
        drafts.copy_pack(version, Organisation.objects.get(code="411400"))


def test_a_reviewer_cannot_draft_for_another_region(hebei):
    version = PolicyPackVersion.objects.filter(pack_id="hebei-2024").first()
    with act("city_reviewer"), pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        drafts.copy_pack(version, hebei.bureau)


def test_real_decisions_ignore_drafts(hebei):
    """A draft raising 004 §四(五)'s 80% to 90% for the same region and period changes no real
    decision: the pack chosen is the loaded one and a claim made after the draft is decided at
    80%."""
    draft = hebei_draft(hebei.bureau)
    with act(None):
        drafts.set_value(draft, "training.rates.certificate", "0.90")
    version, pack = pack_for("130100", date(2024, 6, 1))
    assert version.pack_id == "hebei-2024"
    assert pack.value("training.rates.certificate") == Decimal("0.80")
    claim = claimed(
        hebei, [certified(person("rural_migrant", bureau=hebei.bureau), on=date(2024, 6, 5))]
    )
    line = ClaimLine.objects.get(claim=claim)
    assert line.amount == Decimal("800.00")  # 1000 × 80%, never 90%
    assert line.decision.pack_id == version.pk
