"""A decision and its reasons: every rule checked, passed or failed, with the evidence used.

Decisions are plain data: to_dict() gives JSON-ready values (Decimals and dates as strings) and
from_dict() reads them back to an equal Decision, so the Django side can store them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

GRANTED = "granted"
REFUSED = "refused"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Decision kinds.
TRAINING_SUBSIDY = "training_subsidy"
EVALUATION_SUBSIDY = "evaluation_subsidy"
EMPLOYMENT_SUBSIDY = "employment_subsidy"
VOUCHER_ISSUE = "voucher_issue"
ENROLMENT = "enrolment"
TEACHER_RULES = "teacher_rules"  # 000 §三(七)
COLLEGE_TRAINING = "college_training"  # 000 §二(二)
CLASS_COMPLETION = "completion"  # 结业


def yuan(amount: Decimal) -> Decimal:
    """Money as the platform keeps it: yuan with 2 places, rounded half up (四舍五入)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class RuleCheck:
    """One rule applied to one case. `evidence` holds JSON values only (str, int, bool, lists)."""

    code: str
    passed: bool
    message_zh: str
    message_en: str
    evidence: dict[str, Any] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "passed": self.passed,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "evidence": self.evidence,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RuleCheck:
        return cls(
            code=data["code"],
            passed=data["passed"],
            message_zh=data["message_zh"],
            message_en=data["message_en"],
            evidence=dict(data["evidence"]),
        )


@dataclass(frozen=True, slots=True)
class Decision:
    kind: str
    subject: str  # the claim id, or the person key for vouchers and enrolments
    outcome: str  # GRANTED | REFUSED
    amount: Decimal  # yuan, 2 places; 0.00 when refused
    rate: Decimal | None  # the share of the standard paid (training subsidy), else None
    pack_id: str
    pack_version: int
    pack_hash: str
    checks: tuple[RuleCheck, ...]
    # training outcome: employed | certificate | completion_only (the rates by outcome), or
    # standard (a certified trainee outside their scope, 004 §四(五))
    tier: str | None = None
    payee: str | None = None  # who is paid, when the pack says (evaluation_org, ...)
    valid_until: date | None = None  # vouchers: the last day of validity

    @property
    def granted(self) -> bool:
        return self.outcome == GRANTED

    @property
    def failed(self) -> tuple[RuleCheck, ...]:
        return tuple(check for check in self.checks if not check.passed)

    @property
    def failed_codes(self) -> tuple[str, ...]:
        return tuple(check.code for check in self.checks if not check.passed)

    def check(self, code: str) -> RuleCheck:
        """The check with this code (KeyError if the rule was not checked)."""
        for item in self.checks:
            if item.code == code:
                return item
        raise KeyError(code)

    def reasons(self, lang: str = "zh") -> list[str]:
        """The messages of the failed checks, for a refusal letter."""
        return [c.message_zh if lang == "zh" else c.message_en for c in self.failed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "outcome": self.outcome,
            "amount": str(self.amount),
            "rate": None if self.rate is None else str(self.rate),
            "tier": self.tier,
            "payee": self.payee,
            "valid_until": None if self.valid_until is None else self.valid_until.isoformat(),
            "pack": {"id": self.pack_id, "version": self.pack_version, "hash": self.pack_hash},
            "checks": [check.to_dict() for check in self.checks],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decision:
        valid_until = data.get("valid_until")
        return cls(
            kind=data["kind"],
            subject=data["subject"],
            outcome=data["outcome"],
            amount=Decimal(data["amount"]),
            rate=None if data.get("rate") is None else Decimal(data["rate"]),
            pack_id=data["pack"]["id"],
            pack_version=data["pack"]["version"],
            pack_hash=data["pack"]["hash"],
            checks=tuple(RuleCheck.from_dict(check) for check in data["checks"]),
            tier=data.get("tier"),
            payee=data.get("payee"),
            valid_until=None if valid_until is None else date.fromisoformat(valid_until),
        )
