"""Certificate pages: the public verification page and keys (no login), and the list, detail,
PDF and revocation for signed-in users within their scope."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from jineng.certificates import pdf, selectors, services
from jineng.certificates.filters import CertificateFilter
from jineng.certificates.forms import ReasonForm, VerifyForm
from jineng.certificates.models import Certificate, CertificateKind, CertificateStatus
from jineng.certificates.selectors import certificates_for
from jineng.certificates.throttles import HolderCheckThrottle
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import get_scoped_or_404
from jineng.core.views import capability_required, filtered, page_of, pick_template, valid

# How each reason reads to a person (the codes are those of services).
REASONS = {
    services.VALID: gettext_lazy("Valid: the signature holds and the certificate is in force."),
    services.MALFORMED: gettext_lazy(
        "Not a certificate number or signed payload of this platform."
    ),
    services.UNKNOWN_KEY: gettext_lazy(
        "Signed with a key this platform does not know: not one of ours."
    ),
    services.BAD_SIGNATURE: gettext_lazy(
        "The signature does not match: the payload was changed or forged."
    ),
    services.REVOKED: gettext_lazy("Revoked: the certificate is no longer valid."),
    services.NOT_FOUND: gettext_lazy("No certificate with this number was issued here."),
    services.NOT_ISSUED_HERE: gettext_lazy(
        "Recorded here, but issued elsewhere: this platform does not vouch for it. Ask its issuer."
    ),
}


# The results that name a certificate recorded here: its holder can be checked.
HOLDER_CHECKABLE = {services.VALID, services.REVOKED, services.NOT_ISSUED_HERE}


def describe_result(result: dict) -> dict:
    """The verification result with the words a person reads (in the active language)."""
    described = dict(result)
    described["reason_text"] = str(REASONS.get(result["reason"], result["reason"]))
    kind = result.get("kind", "")
    described["kind_label"] = (
        str(CertificateKind(kind).label) if kind in CertificateKind.values else kind
    )
    return described


@sensitive_post_parameters("holder")
def verify_page(request):
    """Public, no login: a certificate by its number or by the signed payload of its QR code;
    then, posted with the holder's ID number or name, whether it is theirs (matches or not)."""
    # A number typed in is posted; a QR code's link carries its payload as ?q=.
    posted = request.method == "POST"
    form = VerifyForm(request.POST if posted else request.GET)
    values = form.cleaned_data if valid(request, form) else {}
    text = (values.get("q") or "").strip()
    result = describe_result(services.verify(text)) if text else None
    holder = (values.get("holder") or "").strip() if posted and result else ""
    check = _holder_check(request, result, holder) if holder else {}
    return render(
        request,
        "certificates/verify.html",
        {
            "q": text,
            "result": result,
            "checkable": bool(result) and result["reason"] in HOLDER_CHECKABLE,
            "keys_url": "/.well-known/jineng-cert-keys.json",
            **check,
        },
        status=429 if check.get("refused") else 200,
    )


def _holder_check(request, result: dict, holder: str) -> dict:
    """{"holder_matches": True/False} or {"refused": message}: never the typed text itself."""
    if not HolderCheckThrottle().allow_request(request, None):
        return {"refused": _("Too many holder checks from your address: try again later.")}
    return {"holder_matches": services.holder_matches(result["number"], holder)}


@require_GET
@cache_control(public=True, max_age=3600)
def keys(request):
    """The public keys (JWK Set, RFC 8037): what an offline verifier needs, nothing secret."""
    response = JsonResponse(services.jwks())
    response["Access-Control-Allow-Origin"] = "*"
    return response


@capability_required(Capability.VIEW_CERTIFICATES)
def certificate_list(request):
    form, queryset = filtered(request, CertificateFilter, selectors.certificate_list)
    return render(
        request,
        pick_template(request, "certificates/list.html", "certificates/_rows.html"),
        {
            "page": page_of(request, queryset),
            "form": form,
            "statuses": CertificateStatus.choices,
            "kinds": CertificateKind.choices,
        },
    )


@capability_required(Capability.VIEW_CERTIFICATES, missing_is_404=True)
def certificate_detail(request, pk: int):
    certificate = get_scoped_or_404(request.user, certificates_for(request.user), pk=pk)
    result = None
    if certificate.issued_here:
        result = describe_result(services.verify_payload(certificate.signed_payload))
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "result": result,
            "reviewer": has_capability(request.user, Capability.MANAGE_CERTIFICATES),
            "downloadable": certificate.issued_here
            and has_capability(request.user, Capability.DOWNLOAD_CERTIFICATES),
        },
    )


def pdf_response(certificate: Certificate) -> HttpResponse:
    response = HttpResponse(pdf.render(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
    return response


@capability_required(Capability.DOWNLOAD_CERTIFICATES, missing_is_404=True)
def certificate_pdf(request, pk: int):
    certificate = get_scoped_or_404(request.user, certificates_for(request.user), pk=pk)
    if not certificate.issued_here:
        raise Http404
    return pdf_response(certificate)


@capability_required(Capability.MANAGE_CERTIFICATES, missing_is_404=True)
@require_POST
def revoke(request, pk: int):
    certificate = get_scoped_or_404(request.user, Certificate.objects.all(), pk=pk)
    form = ReasonForm(request.POST)
    if not valid(request, form):
        return redirect("certificates:detail", pk=pk)
    try:
        services.revoke(certificate, form.cleaned_data["reason"])
        messages.success(
            request,
            _("Certificate %(number)s is revoked: whoever verifies it is told so; a subsidy not "
              "yet paid on it is refused, one already paid is to be recovered (see Recoveries).")
            % {"number": certificate.number},
        )  # fmt: skip
    except (ValidationError, PermissionDenied) as problem:
        for message in getattr(problem, "messages", [str(problem)]):
            messages.error(request, message)
    return redirect("certificates:detail", pk=pk)
