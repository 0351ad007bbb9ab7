"""Import pages for every kind of file: upload, follow the progress, read the report."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jineng.core import jobs, selectors
from jineng.core.filters import MAX_ID, ImportJobFilter
from jineng.core.imports import SPECS, write_xlsx
from jineng.core.models import ImportJob, ImportStatus
from jineng.core.roles import has_capability
from jineng.core.scope import get_scoped_or_404
from jineng.core.views import filtered, page_of, run_service

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (.xlsx, .xls, .ods or .csv)"))
    dry_run = forms.BooleanField(label=gettext_lazy("Trial run: check only, save nothing"),
                                 required=False)  # fmt: skip
    all_or_nothing = forms.BooleanField(
        label=gettext_lazy("All or nothing: save no row if any row is rejected"), required=False
    )
    update = forms.BooleanField(label=gettext_lazy("Update records that already exist"),
                                required=False)  # fmt: skip

    def clean_file(self):
        upload = self.cleaned_data["file"]
        jobs.check_upload_size(upload.size)
        return upload


def spec_or_404(kind: str):
    if kind not in SPECS:
        raise Http404
    return SPECS[kind]


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def job_list(request):
    kinds = [spec for spec in SPECS.values() if has_capability(request.user, spec.capability)]
    form, jobs_listed = filtered(request, ImportJobFilter, selectors.import_job_list)
    context = {"page": page_of(request, jobs_listed), "kinds": kinds, "form": form}
    context["statuses"] = ImportStatus.choices
    context["titles"] = {spec.name: spec.title for spec in SPECS.values()}  # a kind is a slug
    return render(request, "core/import_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def job_new(request, kind: str):
    spec = spec_or_404(kind)
    jobs.check_may_import(request.user, kind)
    form = ImportForm(request.POST or None, request.FILES or None)
    target = _target(request)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        options = {name: form.cleaned_data[name] for name in jobs.OPTION_NAMES}
        job = jobs.start_import(
            request.user, kind, upload.read(), upload.name, target=target, **options
        )
        return redirect("core:import-detail", pk=job.pk)
    context = {"spec": spec, "form": form}
    if spec.target_label is not None:  # say which record the file goes into, before it is sent
        context["needs_target"] = True
        context["target"] = spec.target_label(request.user, target) if target else None
    return render(request, "core/import_new.html", context)


class TargetForm(forms.Form):
    target = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)


def _target(request) -> int | None:
    """?target=<id>: the record a kind imports into (a class for its timetable or roster).
    The form posts back to the same address, so the target travels in the query string; a
    malformed one is no target (the kind that needs one then refuses the job)."""
    form = TargetForm(request.GET)
    return form.cleaned_data["target"] if form.is_valid() else None


@login_required
def job_detail(request, pk: int):
    job = get_scoped_or_404(request.user, ImportJob.objects.all(), pk=pk)
    template = "core/_import_status.html" if request.htmx else "core/import_detail.html"
    return render(request, template, {"job": job, "spec": SPECS.get(job.kind)})


@login_required
@require_POST
def job_rerun(request, pk: int):
    """Run a job again, e.g. after its worker died: rows are keyed, so nothing is stored twice."""
    job = get_scoped_or_404(request.user, ImportJob.objects.all(), pk=pk)
    jobs.check_may_import(request.user, job.kind)
    run_service(request, lambda: jobs.rerun(job), success=None)
    return redirect("core:import-detail", pk=job.pk)


@login_required
def job_errors(request, pk: int):
    job = get_scoped_or_404(request.user, ImportJob.objects.all(), pk=pk)
    if not job.error_report:
        raise Http404
    return xlsx_response(jobs.error_report_of(job), f"rejected-{job.pk}.xlsx")


@login_required
def template(request, kind: str):
    spec = spec_or_404(kind)
    return xlsx_response(write_xlsx(spec, [], template=True), f"{kind}-template.xlsx")
