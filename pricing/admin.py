"""Admin for price catalogs: drafts are edited here, published versions are shown read-only.

Single-row edits are recorded by Django's LogEntry; catalog-wide actions (import,
publish, clone, retire) by CatalogEvent, listed on the version's page.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from django.contrib import admin, messages
from django.core import signing
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html

from pricing.forms import ImportForm
from pricing.models import (
    BareMetalPrice,
    BaseModel,
    CatalogEvent,
    CatalogLocked,
    CatalogVersion,
    Gpu,
    GpuRentalPrice,
    HostingPrice,
    InferencePrice,
    Provider,
    TrainingPrice,
    stale_before,
    stale_days,
)
from pricing.services import catalog_clone, catalog_import, catalog_publish, catalog_retire

STAGING_DIR = Path(tempfile.gettempdir()) / "tunecase-imports"
IMPORT_SALT = "pricing.import"


def _locked(obj) -> bool:
    version = obj if isinstance(obj, CatalogVersion) else getattr(obj, "version", None)
    return version is not None and version.is_locked


class StaleFilter(admin.SimpleListFilter):
    title = "staleness"
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", f"Older than {stale_days()} days"), ("no", "Current")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(as_of__lt=stale_before())
        if self.value() == "no":
            return queryset.filter(as_of__gte=stale_before())
        return queryset


class LockAware:
    """Rows of a published or retired version are view-only: the model layer would refuse
    the write anyway, this keeps the admin from offering it."""

    def has_change_permission(self, request, obj=None):
        return not _locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _locked(obj) and super().has_delete_permission(request, obj)


# Django 6 changes the default URL scheme; say which one we mean and silence the warning.
URL_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


class LockAwareInline(LockAware):
    extra = 0
    show_change_link = True
    formfield_overrides = URL_OVERRIDES

    def has_add_permission(self, request, obj=None):
        return not _locked(obj) and super().has_add_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        # Offer only rows of the parent's version in the inline's dropdowns.
        request._pricing_version_id = getattr(obj, "version_id", None)
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        version_id = getattr(request, "_pricing_version_id", None)
        if version_id and db_field.name in ("provider", "model", "gpu"):
            kwargs["queryset"] = db_field.related_model.objects.filter(version_id=version_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _price_inline(price_model, fk: str, fields: list[str]):
    return type(
        f"{price_model.__name__}{fk.title()}Inline",
        (LockAwareInline, admin.TabularInline),
        {"model": price_model, "fk_name": fk, "fields": [*fields, "source_url", "as_of"]},
    )


@admin.display(boolean=True, description="stale")
def stale_flag(obj) -> bool:
    return obj.is_stale


class CatalogEventInline(admin.TabularInline):
    model = CatalogEvent
    extra = 0
    fields = ["at", "action", "user", "summary", "counts"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CatalogVersion)
class CatalogVersionAdmin(admin.ModelAdmin):
    list_display = ["slug", "status", "latest", "published_at", "created_at", "created_by"]
    list_filter = ["status"]
    search_fields = ["slug", "notes"]
    readonly_fields = [
        "status",
        "published_at",
        "retired_at",
        "cloned_from",
        "created_at",
        "created_by",
        "tools",
    ]
    inlines = [CatalogEventInline]
    actions = ["publish", "clone", "retire"]

    @admin.display(boolean=True)
    def latest(self, obj: CatalogVersion) -> bool:
        return obj.is_latest

    @admin.display(description="Import / export")
    def tools(self, obj: CatalogVersion) -> str:
        if not obj.pk:
            return "Save the draft first."
        export = reverse("admin:pricing_catalogversion_export", args=[obj.pk, "csv"])
        export_json = reverse("admin:pricing_catalogversion_export", args=[obj.pk, "json"])
        links = format_html(
            '<a href="{}">Export CSV</a> · <a href="{}">Export JSON</a>', export, export_json
        )
        if obj.is_locked:
            return links
        import_url = reverse("admin:pricing_catalogversion_import", args=[obj.pk])
        return format_html('<a href="{}">Import prices…</a> · {}', import_url, links)

    def has_change_permission(self, request, obj=None):
        return not _locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _locked(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected drafts (they become immutable)")
    def publish(self, request, queryset):
        self._each(
            request, queryset, lambda v: catalog_publish(version=v, user=request.user), "Published"
        )

    @admin.action(description="Retire selected published versions")
    def retire(self, request, queryset):
        self._each(
            request, queryset, lambda v: catalog_retire(version=v, user=request.user), "Retired"
        )

    @admin.action(description="Clone selected versions to new drafts")
    def clone(self, request, queryset):
        def clone_one(version: CatalogVersion) -> CatalogVersion:
            return catalog_clone(
                source=version, slug=_free_slug(f"{version.slug}-draft"), user=request.user
            )

        self._each(request, queryset, clone_one, "Cloned")

    def _each(self, request, queryset, action, verb: str) -> None:
        for version in queryset.order_by("pk"):
            try:
                result = action(version)
            except (CatalogLocked, ValueError) as exc:
                self.message_user(request, f"{version.slug}: {exc}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{verb} {version.slug} -> {result.slug} ({result.status})."
                )

    def get_urls(self):
        own = [
            path(
                "<int:pk>/import/",
                self.admin_site.admin_view(self.import_view),
                name="pricing_catalogversion_import",
            ),
            path(
                "<int:pk>/export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name="pricing_catalogversion_export",
            ),
        ]
        return own + super().get_urls()

    def export_view(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        from pricing.services import catalog_export

        version = get_object_or_404(CatalogVersion, pk=pk)
        if fmt not in ("csv", "json") or not self.has_view_permission(request, version):
            return HttpResponse(status=404)
        content_type = "text/csv" if fmt == "csv" else "application/json"
        response = HttpResponse(catalog_export(version=version, fmt=fmt), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="catalog-{version.slug}.{fmt}"'
        return response

    def import_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Upload -> dry-run preview -> confirm. The confirmed import runs the same service
        on the staged file, so what is written is exactly what was previewed."""
        version = get_object_or_404(CatalogVersion, pk=pk)
        if not self.has_change_permission(request, version):
            self.message_user(
                request,
                f"{version.slug} is {version.status}: only drafts accept imports.",
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:pricing_catalogversion_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "version": version,
            "opts": self.model._meta,
        }
        if request.method == "POST" and "token" in request.POST:
            return self._confirm_import(request, version)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            content, fmt = form.cleaned_data["file"], form.cleaned_data["format"]
            report = catalog_import(
                version=version, content=content, fmt=fmt, dry_run=True, user=request.user
            )
            context["report"] = report
            if report.ok:
                context["token"] = _stage(content, fmt, version)
        context["form"] = form
        return render(request, "pricing/admin_import.html", context)

    def _confirm_import(self, request: HttpRequest, version: CatalogVersion) -> HttpResponse:
        try:
            staged = signing.loads(request.POST["token"], salt=IMPORT_SALT, max_age=3600)
            staged_path = STAGING_DIR / staged["name"]
            content = staged_path.read_bytes()
        except (signing.BadSignature, OSError, KeyError):
            self.message_user(
                request, "The preview expired: upload the file again.", messages.ERROR
            )
            return HttpResponseRedirect(
                reverse("admin:pricing_catalogversion_import", args=[version.pk])
            )
        if staged["version"] != version.pk:
            return HttpResponse(status=400)
        report = catalog_import(
            version=version, content=content, fmt=staged["fmt"], user=request.user
        )
        staged_path.unlink(missing_ok=True)
        if report.ok:
            self.message_user(
                request,
                f"Imported into {version.slug}: {report.created} created, "
                f"{report.updated} updated, {report.skipped} skipped.",
            )
        else:
            self.message_user(
                request, f"Import failed, nothing written: {report.errors[:3]}", messages.ERROR
            )
        return HttpResponseRedirect(
            reverse("admin:pricing_catalogversion_change", args=[version.pk])
        )


def _free_slug(base: str) -> str:
    slug, n = base, 2
    while CatalogVersion.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _stage(content: bytes, fmt: str, version: CatalogVersion) -> str:
    STAGING_DIR.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.{fmt}"
    (STAGING_DIR / name).write_bytes(content)
    return signing.dumps({"name": name, "fmt": fmt, "version": version.pk}, salt=IMPORT_SALT)


class CatalogRowAdmin(LockAware, admin.ModelAdmin):
    formfield_overrides = URL_OVERRIDES
    list_filter = ["version"]
    list_select_related = ["version"]
    search_fields = ["slug", "name", "version__slug"]


@admin.register(Provider)
class ProviderAdmin(CatalogRowAdmin):
    list_display = ["name", "slug", "kind", "version", "imported", "source_url", "as_of"]
    list_filter = ["version", "kind", "imported"]
    inlines = [
        _price_inline(
            TrainingPrice,
            "provider",
            ["model", "min_params_b", "max_params_b", "method", "price_per_1m", "min_charge"],
        ),
        _price_inline(
            InferencePrice,
            "provider",
            [
                "model",
                "min_params_b",
                "max_params_b",
                "fine_tuned",
                "input_per_1m",
                "output_per_1m",
            ],
        ),
        _price_inline(HostingPrice, "provider", ["gpu", "gpus", "per_hour"]),
        _price_inline(GpuRentalPrice, "provider", ["gpu", "on_demand_per_hour", "spot_per_hour"]),
        _price_inline(BareMetalPrice, "provider", ["gpu", "gpus", "per_month", "label"]),
    ]


@admin.register(Gpu)
class GpuAdmin(CatalogRowAdmin):
    list_display = ["name", "slug", "memory_gb", "bf16_tflops", "bandwidth_gbs", "version", "as_of"]


@admin.register(BaseModel)
class BaseModelAdmin(CatalogRowAdmin):
    list_display = [
        "name",
        "slug",
        "total_params",
        "active_params",
        "license",
        "open_weight",
        "version",
    ]
    list_filter = ["version", "license", "open_weight", "family"]
    search_fields = ["slug", "name", "family", "version__slug"]
    inlines = [
        _price_inline(TrainingPrice, "model", ["provider", "method", "price_per_1m", "min_charge"]),
        _price_inline(
            InferencePrice, "model", ["provider", "fine_tuned", "input_per_1m", "output_per_1m"]
        ),
    ]


class PriceAdmin(CatalogRowAdmin):
    list_filter = ["version", StaleFilter, "provider__slug"]
    list_select_related = ["version", "provider"]
    search_fields = ["provider__slug", "provider__name", "source_url", "notes", "version__slug"]
    autocomplete_fields = ["provider"]
    date_hierarchy = "as_of"


@admin.register(TrainingPrice)
class TrainingPriceAdmin(PriceAdmin):
    list_display = [
        "provider",
        "model",
        "min_params_b",
        "max_params_b",
        "method",
        "price_per_1m",
        "version",
        "as_of",
        stale_flag,
    ]
    list_filter = [*PriceAdmin.list_filter, "method"]
    autocomplete_fields = ["provider", "model"]


@admin.register(InferencePrice)
class InferencePriceAdmin(PriceAdmin):
    list_display = [
        "provider",
        "model",
        "min_params_b",
        "max_params_b",
        "fine_tuned",
        "input_per_1m",
        "output_per_1m",
        "version",
        "as_of",
        stale_flag,
    ]
    list_filter = [*PriceAdmin.list_filter, "fine_tuned"]
    autocomplete_fields = ["provider", "model"]


@admin.register(HostingPrice)
class HostingPriceAdmin(PriceAdmin):
    list_display = ["provider", "gpu", "gpus", "per_hour", "version", "as_of", stale_flag]
    autocomplete_fields = ["provider", "gpu"]


@admin.register(GpuRentalPrice)
class GpuRentalPriceAdmin(PriceAdmin):
    list_display = [
        "provider",
        "gpu",
        "on_demand_per_hour",
        "spot_per_hour",
        "version",
        "as_of",
        stale_flag,
    ]
    autocomplete_fields = ["provider", "gpu"]


@admin.register(BareMetalPrice)
class BareMetalPriceAdmin(PriceAdmin):
    list_display = ["provider", "gpu", "gpus", "per_month", "label", "version", "as_of", stale_flag]
    autocomplete_fields = ["provider", "gpu"]


@admin.register(CatalogEvent)
class CatalogEventAdmin(admin.ModelAdmin):
    list_display = ["at", "version", "action", "user", "summary"]
    list_filter = ["action", "version"]
    readonly_fields = ["version", "action", "user", "at", "summary", "counts"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
