"""Catalog pages (one generic set for every catalog), policy packs and the "why" of decisions."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jineng.catalog import selectors
from jineng.catalog.filters import FILTERS, PackVersionFilter
from jineng.catalog.models import DecisionRecord, PolicyPackVersion
from jineng.catalog.packs import decision_of, newest_versions, parsed_pack
from jineng.catalog.registry import CATALOGS, Catalog
from jineng.core.imports import write_table, write_xlsx
from jineng.core.replica import replica_view
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import get_scoped_or_404, scoped
from jineng.core.views import filtered, page_of, pick_template
from jineng.policy.pack import PackRow, PolicyPack

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def catalog_or_404(slug: str) -> Catalog:
    try:
        return CATALOGS[slug]
    except KeyError:
        raise Http404 from None


@login_required
def index(request):
    entries = [
        (catalog, scoped(request.user, catalog.model.objects.all()).count())
        for catalog in CATALOGS.values()
    ]
    packs = sorted(newest_versions(), key=lambda version: version.pack_id)  # public data
    return render(request, "catalog/index.html", {"entries": entries, "packs": packs})


@login_required
def catalog_list(request, slug: str):
    catalog = catalog_or_404(slug)
    form, queryset = filtered(
        request,
        FILTERS[slug],
        lambda user, filters: selectors.catalog_row_list(user, catalog, filters),
    )
    page = page_of(request, queryset)
    context = {
        "catalog": catalog,
        "page": page,
        "rows": [(obj.pk, catalog.row_of(obj)) for obj in page],
        "form": form,
        "can_import": has_capability(request.user, Capability.MANAGE_CATALOGS),
    }
    template = pick_template(request, "catalog/list.html", "catalog/_rows.html")
    return render(request, template, context)


@login_required
def catalog_detail(request, slug: str, pk: int):
    catalog = catalog_or_404(slug)
    obj = get_scoped_or_404(request.user, catalog.queryset(), pk=pk)
    row = catalog.row_of(obj)
    fields = [(column.label, row.get(column.key, "")) for column in catalog.columns]
    return render(
        request, "catalog/detail.html", {"catalog": catalog, "obj": obj, "fields": fields}
    )


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@replica_view
def catalog_export(request, slug: str):
    catalog = catalog_or_404(slug)
    return xlsx_response(write_xlsx(catalog.spec, catalog.spec.export_rows()), f"{slug}.xlsx")


@login_required
def catalog_template(request, slug: str):
    catalog = catalog_or_404(slug)
    return xlsx_response(write_xlsx(catalog.spec, [], template=True), f"{slug}-template.xlsx")


@login_required
def pack_list(request):
    form, versions = filtered(request, PackVersionFilter, selectors.pack_version_list)
    return render(request, "catalog/pack_list.html", {"versions": versions, "form": form})


@login_required
def pack_detail(request, pk: int):
    version = get_scoped_or_404(request.user, PolicyPackVersion.objects.all(), pk=pk)
    pack = parsed_pack(version)
    context = {"version": version, "rows": pack.describe(), "assumed": assumed_values(pack)}
    return render(request, "catalog/pack_detail.html", context)


@login_required
@replica_view
def pack_assumed_export(request, pk: int):
    """The pack's assumed values as a spreadsheet, with an empty column for the bureau's reply."""
    version = get_scoped_or_404(request.user, PolicyPackVersion.objects.all(), pk=pk)
    header = [_("Section"), _("Rule"), _("Key"), _("Value"), _("Source"), _("Note")]
    rows = [
        [row["section"], row["label"], row["key"], row["value"], row["cite"], row["note"], ""]
        for row in assumed_values(parsed_pack(version))
    ]
    content = write_table(_("Assumed values"), [*header, _("Bureau's reply")], rows)
    return xlsx_response(content, f"{version.pack_id}-v{version.version}-assumed.xlsx")


def assumed_values(pack: PolicyPack) -> list[dict[str, str]]:
    """Every value the pack assumes (issue 15 item 9: the bureau confirms or changes them), in
    the reader's language as the pack's page words it: section, plain name, value with unit."""
    return [_in_language(row, english=get_language() == "en") for row in pack.assumed_rows()]


def _in_language(row: PackRow, *, english: bool) -> dict[str, str]:
    value, unit = (row.value_en, row.unit_en) if english else (row.value, row.unit)
    return {
        "section": row.section_en if english else row.section_zh,
        "label": row.label_en if english else row.label_zh,
        "key": row.key,
        "value": f"{value} {unit}" if unit else value,
        "cite": row.cite,
        # A Chinese reader never gets the English note: without note_zh the cell stays empty.
        "note": row.note if english else row.note_zh,
    }


@login_required
def decision_detail(request, pk: int):
    record = get_scoped_or_404(request.user, DecisionRecord.objects.select_related("pack"), pk=pk)
    return render(
        request,
        "catalog/decision_detail.html",
        {"record": record, "decision": decision_of(record)},
    )
