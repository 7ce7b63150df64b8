"""Read-only catalog pages for every signed-in user. The catalog is global (not per
organisation); drafts are work in progress and only staff see them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pricing.forms import CompareForm, DiffForm, PriceFilterForm
from pricing.models import BaseModel, CatalogVersion, Gpu, Provider, Status, stale_days
from pricing.services import (
    PRICE_KINDS,
    catalog_compare,
    catalog_diff,
    catalog_oldest_price,
    catalog_price_count,
    catalog_prices,
    catalog_stale_count,
)


def visible_versions(request: HttpRequest):
    versions = CatalogVersion.objects.all()
    if not request.user.is_staff:
        versions = versions.exclude(status=Status.DRAFT)
    return versions


def version_for(request: HttpRequest, slug: str) -> CatalogVersion:
    version = visible_versions(request).filter(slug=slug).first()
    if version is None:
        raise Http404("No such catalog version.")
    return version


def _age_days(when) -> int | None:
    if when is None:
        return None
    day = when.date() if hasattr(when, "date") else when
    return (timezone.localdate() - day).days


@login_required
@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    latest = CatalogVersion.objects.latest_published()
    context = {"latest": latest, "versions": visible_versions(request), "stale_days": stale_days()}
    if latest is not None:
        oldest = catalog_oldest_price(latest)
        context.update(
            latest_age=_age_days(latest.published_at),
            oldest_price=oldest,
            oldest_price_age=_age_days(oldest),
            stale_count=catalog_stale_count(latest),
            price_count=catalog_price_count(latest),
        )
    return render(request, "pricing/catalog.html", context)


@login_required
@require_GET
def models(request: HttpRequest, slug: str) -> HttpResponse:
    version = version_for(request, slug)
    rows = BaseModel.objects.filter(version=version)
    return render(request, "pricing/catalog_models.html", {"version": version, "models": rows})


@login_required
@require_GET
def providers(request: HttpRequest, slug: str) -> HttpResponse:
    version = version_for(request, slug)
    rows = Provider.objects.filter(version=version)
    return render(
        request, "pricing/catalog_providers.html", {"version": version, "providers": rows}
    )


@login_required
@require_GET
def gpus(request: HttpRequest, slug: str) -> HttpResponse:
    version = version_for(request, slug)
    rows = Gpu.objects.filter(version=version)
    return render(request, "pricing/catalog_gpus.html", {"version": version, "gpus": rows})


@login_required
@require_GET
def prices(request: HttpRequest, slug: str) -> HttpResponse:
    version = version_for(request, slug)
    form = PriceFilterForm(request.GET or None, version=version)
    sections = catalog_prices(version=version, **form.filters())
    context = {
        "version": version,
        "form": form,
        "sections": [(name, PRICE_KINDS[name], rows) for name, rows in sections.items()],
        "stale_days": stale_days(),
    }
    template = "pricing/catalog_prices.html"
    if request.htmx and not request.htmx.boosted:
        template += "#prices"
    return render(request, template, context)


@login_required
@require_GET
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    version = version_for(request, slug)
    form = CompareForm(request.GET if "size" in request.GET else {"size": 8})
    rows = (
        catalog_compare(version=version, size_b=form.cleaned_data["size"])
        if form.is_valid()
        else []
    )
    sizes = sorted(
        {round(m.params_b, 1) for m in BaseModel.objects.filter(version=version, open_weight=True)}
    )
    context = {"version": version, "form": form, "rows": rows, "sizes": sizes}
    template = "pricing/catalog_compare.html"
    if request.htmx and not request.htmx.boosted:
        template += "#comparison"
    return render(request, template, context)


@login_required
@require_GET
def diff(request: HttpRequest) -> HttpResponse:
    versions = list(visible_versions(request))
    form = DiffForm(request.GET if "from" in request.GET else None, versions=versions)
    context = {"form": form, "versions": versions, "sections": None}
    if form.is_bound and form.is_valid():
        by_slug = {v.slug: v for v in versions}
        old, new = by_slug[form.cleaned_data["from_"]], by_slug[form.cleaned_data["to"]]
        sections = catalog_diff(old=old, new=new)
        context.update(old=old, new=new, sections=sections, total=sum(s.count for s in sections))
    return render(request, "pricing/catalog_diff.html", context)
