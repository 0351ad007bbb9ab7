"""The worker's pages (mobile first): home, classes, evaluations, certificates, subsidies, public
notices, notifications and their data; and the bureau's list of correction requests."""

import io
import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from jineng.claims import notice as claim_notice
from jineng.core import crypto, phonecodes
from jineng.core.forms import error_messages, form_errors, styled
from jineng.core.middleware import client_ip
from jineng.core.roles import Capability, Role
from jineng.core.scope import get_scoped_or_404
from jineng.core.views import capability_required, filtered, page_of, run_service
from jineng.portal import selectors, services
from jineng.portal.filters import CorrectionFilter
from jineng.portal.forms import (
    AnswerForm,
    CodeForm,
    ConsentForm,
    CopyForm,
    CorrectionForm,
    ObjectionForm,
    PhoneForm,
)
from jineng.portal.models import CorrectionState, WorkerSettings

# The worker's menu (core.context_processors): what is theirs, nothing of the office's.
NAVIGATION = [
    (
        None,
        [
            (gettext_lazy("Home"), "home", None),
            (gettext_lazy("Find training"), "offers:list", None),
            (gettext_lazy("My sign-ups"), "offers:mine", Capability.APPLY_FOR_TRAINING),
            (gettext_lazy("My classes"), "portal:classes", None),
            (gettext_lazy("My evaluations"), "portal:evaluations", None),
            (gettext_lazy("My certificates"), "portal:certificates", None),
            (gettext_lazy("My subsidies"), "portal:subsidies", None),
            (gettext_lazy("My public notices"), "portal:notices", None),
            (gettext_lazy("My vouchers"), "vouchers:mine", Capability.CLAIM_VOUCHERS),
            (gettext_lazy("My data"), "portal:data", None),
        ],
    )
]


def is_worker(user) -> bool:
    return getattr(user, "is_authenticated", False) and Role.WORKER in user.role_set


def worker_required(view):
    """A worker's own page: other roles have no such page (403)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_worker(request.user):
            raise PermissionDenied(_("This page is a worker's own."))
        return view(request, *args, **kwargs)

    return wrapped


def unread_link(request) -> dict | None:
    """The bell in the header, with the count of unread notifications."""
    if not is_worker(request.user):
        return None
    count = services.unread_count(request.user)
    return {
        "key": "notifications-link",
        "url": reverse("portal:notifications"),
        "label": _("Notifications"),
        "icon": "bi-bell",
        "count": count,
        "aria_label": ngettext("Notifications: %(n)d unread", "Notifications: %(n)d unread", count)
        % {"n": count},
    }


def _context(request, **values) -> dict:
    return {"person": selectors.person_of(request.user), **values}


@worker_required
def home(request):
    user = request.user
    classes = selectors.my_classes(user)
    now = timezone.now()
    upcoming = sorted(
        (session, row.enrollment.training_class)
        for row in classes
        if row.enrollment.state == "enrolled"
        for session, _attended in row.sessions
        if session.ends_at > now
    )[:3] if classes else []  # fmt: skip
    subsidies = selectors.my_subsidies(user)
    context = _context(
        request,
        classes=classes,
        upcoming=upcoming,
        evaluations=selectors.my_evaluations(user),
        certificates=selectors.my_certificates(user),
        subsidies=subsidies,
        notices=[n for n in selectors.my_notices(user) if n.running],
        vouchers=selectors.my_vouchers(user),
        notifications=list(selectors.my_notifications(user)[:3]),
        unread=services.unread_count(user),
    )
    return render(request, "portal/home.html", context)


@worker_required
def classes(request):
    return render(request, "portal/classes.html", _context(request, classes=selectors.my_classes(
        request.user)))  # fmt: skip


@worker_required
def evaluations(request):
    context = _context(request, evaluations=selectors.my_evaluations(request.user))
    return render(request, "portal/evaluations.html", context)


@worker_required
def certificates(request):
    context = _context(request, certificates=selectors.my_certificates(request.user))
    return render(request, "portal/certificates.html", context)


@worker_required
def subsidies(request):
    context = _context(request, subsidies=selectors.my_subsidies(request.user))
    return render(request, "portal/subsidies.html", context)


@worker_required
def notices(request):
    items = [
        {"entry": entry, "form": _objection_form(entry) if entry.running else None}
        for entry in selectors.my_notices(request.user)
    ]
    return render(request, "portal/notices.html", _context(request, items=items))


def _objection_form(entry, data=None):
    lines = [line for line in entry.lines if line.state == "approved"]
    form = ObjectionForm(data, lines=lines, auto_id=f"notice{entry.notice.pk}-%s")
    return styled(form) if lines else None


@worker_required
@require_POST
def lodge_objection(request, pk: int):
    """The worker objects to a line of theirs on a running notice: claims records it as any
    objection (claims.notice.lodge_objection), with their name and phone so the bureau answers."""
    entry = selectors.my_notice(request.user, pk)
    if entry is None or not entry.running:
        raise Http404
    form = _objection_form(entry, request.POST)
    if form is None or not form.is_valid():
        for message in error_messages(form) if form is not None else []:
            messages.error(request, message)
        return redirect("portal:notices")
    person = selectors.person_of(request.user)
    phone = crypto.decrypt(bytes(person.phone_cipher), "phone") if person.phone_cipher else ""
    values = form.cleaned_data
    run_service(
        request,
        lambda: claim_notice.lodge_objection(
            entry.notice,
            text=values["text"],
            contact_name=person.name,
            phone=phone,
            line=values["line"],
        ),  # fmt: skip
        success=_("Your objection is recorded. The bureau will look into it before paying."),
    )
    return redirect("portal:notices")


@worker_required
def notifications(request):
    rows = selectors.my_notifications(request.user)
    page = page_of(request, rows)
    for notification in page:
        notification.text = services.text_of(notification.kind, notification.params)
    context = _context(request, page=page, unread=services.unread_count(request.user))
    return render(request, "portal/notifications.html", context)


@worker_required
@require_POST
def read_all(request):
    services.mark_read(request.user)
    return redirect("portal:notifications")


# --- my data (PIPL art. 45, 46) -----------------------------------------------------------------


def _data_page(request, *, phone_form=None, code_form=None, correction_form=None, status=200):
    user = request.user
    settings = WorkerSettings.objects.filter(user=user).first()
    consent = bool(settings and settings.sms_consent)
    context = _context(
        request,
        data=selectors.data_of(user),
        consent_form=ConsentForm(initial={"sms_consent": consent}),
        consent=consent,
        consent_changed_at=settings.consent_changed_at if settings else None,
        phone_form=phone_form or styled(PhoneForm()),
        code_form=code_form or styled(CodeForm()),
        pending=services.pending_phone_change(user),
        correction_form=correction_form or styled(CorrectionForm()),
        corrections=selectors.my_corrections(user),
    )
    return render(request, "portal/data.html", context, status=status)


@worker_required
def data(request):
    return _data_page(request)


@worker_required
def data_download(request):
    """The copy of everything the platform holds about the worker: JSON, or a spreadsheet with
    one sheet per section. Audited as a full view of personal data."""
    form = CopyForm(request.GET)
    if not form.is_valid():
        raise Http404  # no such copy
    fmt = form.cleaned_data["format"] or "json"
    copy = selectors.data_of(request.user)
    services.record_data_copy(request.user, fmt)
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        body = json.dumps(copy, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(_xlsx(copy), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(copy: dict) -> bytes:
    from openpyxl import Workbook

    from jineng.core.imports import spreadsheet_safe

    book = Workbook()
    book.remove(book.active)
    for number, (title, section) in enumerate(copy.items(), start=1):
        sheet = book.create_sheet(f"{number} {title}"[:31].replace("/", " "))
        rows = section if isinstance(section, list) else [section]
        columns = list(dict.fromkeys(key for row in rows for key in row))
        sheet.append(columns)
        for row in rows:
            sheet.append([spreadsheet_safe(_cell(row.get(column))) for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value):
    return value if isinstance(value, (int, float, str)) or value is None else str(value)


@worker_required
@require_POST
def consent(request):
    form = ConsentForm(request.POST)
    if form.is_valid():
        agreed = form.cleaned_data["sms_consent"]
        run_service(
            request,
            lambda: services.set_sms_consent(request.user, agreed),
            success=_("You will get text messages.") if agreed
            else _("You will get no more text messages."),
        )  # fmt: skip
    return redirect(reverse("portal:data") + "#consent")


@worker_required
@require_POST
def phone(request):
    form = styled(PhoneForm(request.POST))
    if form.is_valid():
        try:
            change = services.ask_phone_change(
                request.user, form.cleaned_data["phone"], client_ip(request)
            )
        except ValidationError as problem:
            form_errors(form, problem)
        else:
            messages.success(
                request,
                _("A code is sent to %(phone)s: type it below within %(minutes)d minutes.")
                % {"phone": change.phone_masked, "minutes": phonecodes.minutes_valid()},
            )
            return redirect(reverse("portal:data") + "#phone")
    return _data_page(request, phone_form=form, status=400)


@worker_required
@require_POST
def phone_confirm(request):
    form = styled(CodeForm(request.POST))
    if form.is_valid():
        try:
            person = services.confirm_phone_change(request.user, form.cleaned_data["code"])
        except ValidationError as problem:
            form_errors(form, problem)
        else:
            messages.success(
                request,
                _("Your phone is now %(phone)s.") % {"phone": person.phone_masked},
            )
            return redirect(reverse("portal:data") + "#phone")
    return _data_page(request, code_form=form, status=400)


@worker_required
@require_POST
def correction(request):
    form = styled(CorrectionForm(request.POST))
    if form.is_valid():
        try:
            services.ask_correction(request.user, **form.cleaned_data)
        except ValidationError as problem:
            form_errors(form, problem)
        else:
            messages.success(
                request, _("Your request is sent to your bureau. Its answer will show here.")
            )
            return redirect(reverse("portal:data") + "#corrections")
    return _data_page(request, correction_form=form, status=400)


# --- the bureau's side --------------------------------------------------------------------------


@capability_required(Capability.CORRECT_PEOPLE)
def corrections(request):
    form, rows = filtered(request, CorrectionFilter, selectors.correction_list)
    state = form.cleaned_data.get("state") if form.is_valid() else ""
    page = page_of(request, rows.order_by("-created_at", "-id"))
    forms = {row.pk: styled(AnswerForm(auto_id=f"answer{row.pk}-%s")) for row in page}
    context = {
        "page": page,
        "forms": forms,
        "form": form,
        "state": state,
        "states": CorrectionState.choices,
    }
    return render(request, "portal/corrections.html", context)


@capability_required(Capability.CORRECT_PEOPLE, missing_is_404=True)
@require_POST
def answer(request, pk: int):
    row = get_scoped_or_404(request.user, selectors.corrections_for(request.user), pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        values = form.cleaned_data
        run_service(
            request,
            lambda: services.answer_correction(
                row, corrected=values["corrected"], answer=values["answer"]
            ),
            success=_("The answer is sent to the worker."),
        )
    else:
        for message in error_messages(form):
            messages.error(request, message)
    return redirect("portal:corrections")
