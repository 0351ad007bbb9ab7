"""Decisions read in plain words (issue 14): the reasons on the claim page, the "why" page of a
decision, the class roster's eligibility and the institution's teacher rules show each rule by
its plain name and its sentence, never a rule code (`training.category`, `claim.standard`) or a
pack key (`teachers.full_time_share_applies_to`) in the text a user reads, and no English note
of a pack on a Chinese page. Codes may sit in title attributes (tooltips)."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.utils.translation import override

from jineng.catalog.models import PolicyPackVersion
from jineng.catalog.packs import parsed_pack
from jineng.claims import services as claims
from jineng.claims.services import MESSAGES as CLAIM_MESSAGES
from jineng.core import rules
from jineng.institutions.models import Institution
from jineng.policy import schema
from jineng.policy.codes import SubsidyType
from jineng.policy.engine import SECTION_NAMES
from jineng.policy.messages import TEMPLATES
from jineng.training.models import Enrollment
from tests.claims import builders_core
from tests.claims.builders_core import act, certificate, completed_class, employ, person
from tests.training.conftest import institution, make_class, trainees  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
hebei = builders_core.hebei  # fixture, used by name


def engine_codes() -> set[str]:
    """Every rule code a check can carry: the engine's, the claims app's own, per subsidy."""
    families = {key.split(":")[0] for key in TEMPLATES} | {
        key.split(":")[0] for key in CLAIM_MESSAGES
    }
    families -= {"category", "stated"}  # written per subsidy and section below
    categories = {f"{subsidy}.category" for subsidy in SubsidyType}
    stated = {f"{section}.stated" for section in SECTION_NAMES}
    return families | categories | stated


def pack_keys() -> set[str]:
    """Every rule key and section of the packs (training.rates.employed, limits.training)."""
    keys = set(schema.all_keys())
    sections = {key.rsplit(".", 1)[0] for key in keys}
    return keys | {section for section in sections if "." in section}


RULE_IDS = engine_codes() | pack_keys()
RULE_ID = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(code) for code in sorted(RULE_IDS, key=len)[::-1]) + r")"
    r"(?![\w])"
)
# Evidence keys the engine writes (the old pages listed them): never in a reader's text.
EVIDENCE_WORDS = re.compile(
    r"\b(applies_to|person_categories|prior_claim_ids|conflicting_claim_ids|effective_from)\b"
)


class VisibleText(HTMLParser):
    """The text a reader sees: element text, not attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible(response) -> str:
    assert response.status_code == 200, response.status_code
    parser = VisibleText()
    parser.feed(response.content.decode())
    return "\n".join(parser.parts)


def assert_plain(text: str, chinese: bool = True) -> None:
    found = sorted(set(RULE_ID.findall(text)) | set(EVIDENCE_WORDS.findall(text)))
    assert not found, f"rule ids or evidence keys in the visible text: {found}"
    if chinese:
        english = re.findall(r"[A-Za-z]{3,}(?: [A-Za-z]{2,}){2,}", text)
        assert not english, f"English on a Chinese page: {english}"


def between(text: str, start: str, end: str | None = None) -> str:
    """The part of a page from a heading on (its own checks, not the menus or the footer)."""
    assert start in text, start
    part = text[text.index(start) :]
    return part[: part.index(end)] if end and end in part else part


def test_every_rule_code_has_a_plain_name():
    """One place names every rule: a code without a name would read "规则" only."""
    missing = sorted(code for code in engine_codes() if not rules.rule_family(code))
    assert not missing
    with override("zh-hans"):
        assert str(rules.rule_name("training.category")) == "人员类别"
        assert str(rules.rule_name("claim.standard")) == "补贴标准"
        assert str(rules.rule_name("no.such_rule")) == "规则"


def hebei_claim(place):
    """004 §四(五): one trainee employed in time (100%), one with nothing (refused)."""
    employed, nothing = person("rural_migrant"), person("school_leaver")
    employ(employed, date(2024, 8, 20))
    certificate(person("graduate"), "skill_level")  # someone else's: earns the trainee nothing
    training_class = completed_class(place, [employed, nothing])
    with act(place.username):
        return claims.create_training_claim(training_class)


def test_claim_page_and_decision_read_in_plain_chinese(hebei, login):
    """004 §四(五): the "why" of each line names the rule and states its numbers."""
    claim = hebei_claim(hebei)
    client = login(hebei.username)
    page = visible(client.get(f"/claims/{claim.pk}/"))
    lines = between(page, "明细")
    assert_plain(lines)
    assert "人员类别" in lines and "补贴标准" in lines  # the rules by their plain names
    # The standard's sentence says the amount and the region by its name, not its code.
    assert "石家庄市" in lines and "1,000.00元" in lines and "130100" not in lines
    # Refused: the sentence says the window and the dates it measured.
    assert "3个月内" in lines and "未取得证书" in lines

    line = claim.lines.filter(granted=False).first()
    detail = visible(client.get(f"/decisions/{line.decision_id}/"))
    assert_plain(between(detail, "决定依据"))
    assert "职业培训补贴核定" in detail and "henan" not in detail and "hebei-2024" not in detail


def test_claim_reasons_in_plain_english(hebei, login):
    claim = hebei_claim(hebei)
    client = login(hebei.username)
    client.post("/i18n/setlang/", {"language": "en"})
    page = visible(client.get(f"/claims/{claim.pk}/"))
    assert "Person category" in page
    assert_plain(page, chinese=False)
    line = claim.lines.filter(granted=False).first()
    assert_plain(visible(client.get(f"/decisions/{line.decision_id}/")), chinese=False)


def test_roster_eligibility_reads_in_plain_chinese(login, make_class):  # noqa: F811
    training_class = make_class(people=2)
    client = login("institution")
    roster = visible(client.get(f"/classes/{training_class.pk}/"))
    assert_plain(between(roster, "学员名单"))
    enrollment = Enrollment.objects.filter(training_class=training_class).first()
    why = visible(client.get(f"/decisions/{enrollment.eligibility_id}/"))
    assert_plain(between(why, "决定依据"))
    assert "报名时的补贴资格" in why and "人员类别" in why


def test_teacher_rules_read_in_plain_words_in_both_languages(login):
    """000 §三(七): the breach says the share and the minimum, without the pack's keys."""
    school = Institution.objects.get(organisation__name="梁园区启航职业培训学校")
    client = login("county_reviewer")
    page = visible(client.get(f"/institutions/{school.pk}/"))
    rules_box = between(page, "专职教师比例", "年检记录")
    assert_plain(rules_box)
    assert "1/3" in rules_box  # the minimum share the sentence measures against
    client.post("/i18n/setlang/", {"language": "en"})
    english = visible(client.get(f"/institutions/{school.pk}/"))
    assert_plain(between(english, "Share of full-time teachers", "Annual inspections"), False)


def test_no_english_pack_note_on_a_chinese_pack_page(login):
    """A pack's notes are the author's English: a Chinese page shows only a note_zh."""
    version = PolicyPackVersion.objects.filter(pack_id="henan-shangqiu-2022").latest("version")
    notes = {rule.note for rule in parsed_pack(version).rules if rule.note}
    english = {note for note in notes if re.search(r"[A-Za-z]{4,} [A-Za-z]{2,}", note)}
    assert english  # the pack has English notes to hide
    client = login("city_reviewer")
    response = client.get(f"/policies/{version.pk}/")
    body = response.content.decode()
    assert not [note for note in english if note[:40] in body]
    assert_plain(visible(response))
