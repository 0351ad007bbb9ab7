"""Draft policy packs: copy a loaded pack version, edit its values (one at a time on the page,
the whole text, or an uploaded file), keep every save as a revision with the strict loader's
verdict. Fail closed: writing needs `whatif.run` and a bureau within the writer's region.

A draft is parsed by the same loader as `jineng policy load` (jineng.policy.pack.parse_pack), under
the id of the pack it copies, so it cannot claim another pack's id. It is stored only here: the
real decisions choose their pack from catalog.PolicyPackVersion (catalog.packs.pack_for), which
never holds a draft.
"""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.catalog.models import PolicyPackVersion
from jineng.core import writes
from jineng.core.models import Organisation
from jineng.core.roles import Capability, OrgKind, acting_user, require_capability
from jineng.core.scope import scoped
from jineng.policy.errors import PackError
from jineng.policy.pack import PolicyPack, parse_pack
from jineng.whatif import toml_edit
from jineng.whatif.models import DraftPack, DraftRevision

NOT_ALLOWED = gettext_lazy("Your role cannot edit draft policy packs.")
DRAFT_MARK = "（草稿）"
DRAFT_HEADER = "# 草稿 DRAFT: a what-if copy, never in force and never used for a real decision.\n"
MAX_TEXT = 200_000  # characters: the shipped packs are under 40,000


def check_bureau(bureau: Organisation) -> None:
    if bureau.kind != OrgKind.BUREAU:
        raise ValidationError(_("A draft belongs to a bureau."))
    user = acting_user()
    if user is not None and not scoped(user, Organisation.objects.filter(pk=bureau.pk)).exists():
        raise PermissionDenied(_("This region is not yours."))


def file_name(draft: DraftPack) -> str:
    return f"{draft.base.pack_id}.toml"


def parse(draft: DraftPack, text: str) -> PolicyPack:
    """The draft's rules, read by the strict loader; PackError when it refuses them."""
    return parse_pack(text, file_name(draft))


def refusal(error: PackError) -> str:
    return _("The policy pack loader refused the draft: %(key)s: %(reason)s") % {
        "key": error.key or _("(whole file)"),
        "reason": error.reason,
    }


def draft_text(version: PolicyPackVersion) -> str:
    """The pack's text marked as a draft: a first comment line and the title with （草稿）."""
    text = version.source_text
    title = f'"{DRAFT_MARK}{version.title.replace(chr(34), "")}"'
    return DRAFT_HEADER + toml_edit.set_top(text, "title", title)


@transaction.atomic
def copy_pack(version: PolicyPackVersion, bureau: Organisation, name: str = "") -> DraftPack:
    """A new draft of the bureau, its first revision the pack version's text marked draft."""
    require_capability(Capability.RUN_WHATIF, NOT_ALLOWED)
    check_bureau(bureau)
    draft = writes.create(
        DraftPack(
            bureau=bureau,
            org_path=bureau.path,
            name=(name or f"{version.title} {DRAFT_MARK}")[:120],
            base=version,
            created_by=acting_user(),
        )
    )
    _save(draft, draft_text(version), _("Copied from %(pack)s") % {"pack": version})
    return draft


def _save(draft: DraftPack, text: str, note: str) -> DraftRevision:
    if len(text) > MAX_TEXT:
        raise ValidationError(_("The pack text is too long."))
    error = ""
    try:
        parse(draft, text)
    except PackError as refused:
        error = refusal(refused)
    latest = draft.latest()
    return writes.create(
        DraftRevision(
            draft=draft,
            number=(latest.number + 1) if latest else 1,
            source_text=text,
            content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            valid=not error,
            error=error,
            note=note[:300],
            saved_by=acting_user(),
        )
    )


def _writable(draft: DraftPack) -> None:
    require_capability(Capability.RUN_WHATIF, NOT_ALLOWED)
    check_bureau(draft.bureau)


@transaction.atomic
def save_text(draft: DraftPack, text: str, note: str = "") -> DraftRevision:
    """A new revision with this text (typed on the page or uploaded). A text the loader refuses
    is kept, marked refused with the loader's message, so the work is not lost; it cannot be
    replayed until a later revision is accepted."""
    _writable(draft)
    DraftPack.objects.select_for_update().filter(pk=draft.pk).first()
    return _save(draft, text.replace("\r\n", "\n"), note or _("Text edited"))


def upload(draft: DraftPack, data: bytes, note: str = "") -> DraftRevision:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text.")) from None
    return save_text(draft, text, note or _("File uploaded"))


@transaction.atomic
def set_value(draft: DraftPack, key: str, value: str) -> DraftRevision:
    """A new revision with one rule's value changed (e.g. training.rates.certificate = 0.70)."""
    _writable(draft)
    latest = draft.latest()
    text = toml_edit.set_value(latest.source_text, key, value)
    return _save(draft, text, _("%(key)s set to %(value)s") % {"key": key, "value": value})


def accepted(revision: DraftRevision) -> PolicyPack:
    """The rules of a revision, for a replay; ValidationError when the loader refuses it (the
    text is read again, so a revision can never be replayed on an old verdict)."""
    try:
        return parse(revision.draft, revision.source_text)
    except PackError as refused:
        raise ValidationError(refusal(refused)) from refused


def editable_rules(pack: PolicyPack) -> list[tuple[str, str]]:
    """The rules a page can change one at a time: (key, value as written) of every single
    number, share, money, true/false or choice value."""
    rows = []
    for rule in pack.rules:
        value = rule.value
        if isinstance(value, bool):
            shown = "true" if value else "false"
        elif isinstance(value, int | str) or hasattr(value, "as_tuple"):
            shown = str(value)
        else:
            continue
        rows.append((rule.key, shown))
    return rows
