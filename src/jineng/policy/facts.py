"""The compact facts of a stored training decision: what its rule trace says the line was decided
from, in a small fixed-shape record kept beside the trace (catalog.DecisionRecord.facts).

A training decision's checks keep in their evidence the facts the engine read (the person's
categories, the training type, the training end, the certificate, the employment start, the
licences) and the claim's own checks keep the subsidy standard and whether the claim's
conditions held. Reading them back means walking every check of every trace; the what-if replay
(jineng.whatif.replay) reads a year of them. `training_facts` walks a trace once, when the
decision is stored, and gives one line of text: nine fields separated by "|", then ";" and the
three days of the line separated by "|", which a replay splits and reads by position (no JSON to
decode, no checks to walk):

    SHAPE|categories|training_type|certificate|is_new_occupation|known|standard|licences|
    claim_ok;training_end|employment_start|licence_day

- SHAPE: "t1", the record's shape; a record of another shape is read from its trace;
- categories, licences: codes joined by "," (sorted), "" for none;
- training_type, training_end, employment_start, licence_day, standard: as the evidence holds them
  (ISO dates, the standard in yuan), "" where the trace does not hold them;
- certificate ("" for none), is_new_occupation ("1", "0"): the trace's values; `known` (a number)
  says which of the two the trace holds (KNOWS_CERTIFICATE, KNOWS_NEW_OCCUPATION), since a stored
  "no certificate" is not the same as a trace that never looked at the certificate (the claim
  line's own then counts);
- claim_ok: "1" if every claim check of the trace (claim.*) passed, else "0".

The days come apart: the fields before them take few distinct values in a year (a few thousand,
where the days make most records distinct), and so do the days by themselves, so a reader can
keep what it made of each part.

It is a pure function of the trace, so the facts and the trace cannot disagree (tests/whatif/
test_facts.py compares them on records the claims app made, on SQLite and PostgreSQL). A record
stored before the facts were kept ("", filled by catalog's migration 0003), or one whose values
cannot be written this way (a "|" or ";" in a value: none is a code the engine knows), is read
from its trace (jineng.whatif.replay.training_line).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jineng.policy.decision import TRAINING_SUBSIDY

SHAPE = "t1"  # the record's shape; a record of another shape is read from its trace
SEPARATOR, DAYS_SEPARATOR = "|", ";"
KNOWS_CERTIFICATE, KNOWS_NEW_OCCUPATION = 1, 2
# positions in the record
(
    _SHAPE,
    CATEGORIES,
    TRAINING_TYPE,
    CERTIFICATE,
    NEW_OCCUPATION,
    KNOWN,
    STANDARD,
    LICENCES,
    CLAIM_OK,
) = range(9)
TRAINING_END, EMPLOYMENT_START, LICENCE_DAY = range(3)  # positions among the days

# What each stored check gives the facts (the others are read for nothing).
CLAIM, CATEGORY, SCOPE, OUTCOME, CERTIFIED, LICENCE, PERIOD = range(7)
READS = {
    "claim.completed": CLAIM,
    "claim.standard": CLAIM,
    "claim.evaluation": CLAIM,
    "claim.certificate": CLAIM,
    "claim.top_up": CLAIM,
    "training.category": CATEGORY,
    "training.rate_scope": SCOPE,
    "training.outcome": OUTCOME,
    "training.certificate": CERTIFIED,
    "training.licence": LICENCE,
    "pack.period": PERIOD,
}


def is_claim_check(code: str) -> bool:
    """A claim's own check (completed the class, the standard...), kept as it was in a replay."""
    return code.startswith("claim.")


def training_facts(detail: Mapping[str, Any]) -> str:
    """The compact facts of a stored training decision (Decision.to_dict()), one pass over its
    checks. The last check of a kind counts, as the engine writes each once."""
    categories = scope_categories = training_type = end = standard = None
    certificate = is_new = employment_start = licence_day = None
    licences: list[str] = []
    known = 0
    ok = True
    reads = READS.get
    for check in detail.get("checks", ()):
        code = check["code"]
        kind = reads(code)
        if kind is None:
            if is_claim_check(code):  # a claim check this version does not know by name
                ok = ok and bool(check["passed"])
            continue
        evidence = check["evidence"]
        if kind == CLAIM:
            ok = ok and bool(check["passed"])
            if code == "claim.standard":
                standard = evidence.get("amount")
        elif kind == CATEGORY:
            categories = evidence.get("person_categories")
        elif kind == SCOPE:
            scope_categories = evidence.get("person_categories")
            training_type = evidence.get("training_type")
        elif kind == OUTCOME:
            if "certificate" in evidence:
                certificate = evidence["certificate"]
                known |= KNOWS_CERTIFICATE
            if "is_new_occupation" in evidence:
                is_new = evidence["is_new_occupation"]
                known |= KNOWS_NEW_OCCUPATION
            employment_start = evidence.get("employment_start")
        elif kind == CERTIFIED:
            if "certificate" in evidence:
                certificate = evidence["certificate"]
                known |= KNOWS_CERTIFICATE
        elif kind == LICENCE:
            held = evidence.get("licences_held")
            if held:
                licences = held
            licence_day = evidence.get("day")
        else:
            end = evidence.get("date")
    head = (
        SHAPE,
        ",".join(sorted(categories or scope_categories or ())),
        training_type or "",
        certificate or "",
        "" if is_new is None else ("1" if is_new else "0"),
        str(known),
        standard or "",
        ",".join(sorted(licences)),
        "1" if ok else "0",
    )
    days = (end or "", employment_start or "", licence_day or "")
    for value in head + days:
        if not isinstance(value, str) or SEPARATOR in value or DAYS_SEPARATOR in value:
            return ""  # not written this way: the replay reads the trace
    return SEPARATOR.join(head) + DAYS_SEPARATOR + SEPARATOR.join(days)


def facts_of(detail: Mapping[str, Any]) -> str:
    """The compact facts kept beside a stored decision: a training decision's, else none ("")."""
    if detail.get("kind") != TRAINING_SUBSIDY:
        return ""
    return training_facts(detail)
