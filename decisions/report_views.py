"""The stakeholder report: for members, through share links, as PDF and CSV."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from decisions.access import scenario_for
from decisions.exports import result_csv
from decisions.models import Result, ShareLink
from decisions.pdf import PdfUnavailable, html_to_pdf
from decisions.reports import report_context
from decisions.sharing import (
    DEFAULT_DAYS,
    MAX_DAYS,
    share_link_create,
    share_link_find,
    share_link_revoke,
    share_link_viewed,
    share_lookup_allowed,
)


class ShareLinkForm(forms.Form):
    label = forms.CharField(max_length=120, help_text="Who it is for, e.g. “Finance review”.")
    days = forms.IntegerField(
        min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS, label="Valid for (days)"
    )


def latest_result_or_none(request, scenario_id: int):
    scenario, membership = scenario_for(request, scenario_id)
    return scenario, membership, scenario.latest_result()


def no_result_yet(request, scenario):
    messages.info(request, "Compute results first; the report shows the latest results.")
    return redirect("decisions:results", scenario.pk)


@login_required
def report(request, scenario_id: int):
    scenario, membership, result = latest_result_or_none(request, scenario_id)
    if result is None:
        return no_result_yet(request, scenario)
    context = report_context(result)
    context["links"] = {
        "back": reverse("decisions:results", args=[scenario.pk]),
        "pdf": reverse("reports:pdf", args=[scenario.pk]),
        "csv": reverse("reports:csv", args=[scenario.pk]),
        "json": reverse("decisions:scenario_export", args=[scenario.pk]),
        "share": reverse("reports:share_links", args=[scenario.pk])
        if membership.can_edit
        else None,
    }
    return render(request, "decisions/report.html", context)


def pdf_response(request, result: Result) -> HttpResponse:
    html = render(request, "decisions/report.html", report_context(result, for_pdf=True))
    try:
        pdf = html_to_pdf(html.content.decode())
    except PdfUnavailable as exc:
        return render(request, "decisions/pdf_unavailable.html", {"reason": str(exc)}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"tunecase-{result.scenario.pk}-{result.created:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def csv_response(result: Result) -> HttpResponse:
    response = HttpResponse(result_csv(result), content_type="text/csv; charset=utf-8")
    name = f"tunecase-{result.scenario.pk}-{result.created:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def report_pdf(request, scenario_id: int):
    scenario, _, result = latest_result_or_none(request, scenario_id)
    return no_result_yet(request, scenario) if result is None else pdf_response(request, result)


@login_required
def report_csv(request, scenario_id: int):
    scenario, _, result = latest_result_or_none(request, scenario_id)
    return no_result_yet(request, scenario) if result is None else csv_response(result)


@login_required
def share_links(request, scenario_id: int):
    scenario, membership = scenario_for(request, scenario_id, edit=request.method == "POST")
    result = scenario.latest_result()
    form = ShareLinkForm(request.POST or None)
    new_url = None
    if request.method == "POST" and form.is_valid():
        if result is None:
            return no_result_yet(request, scenario)
        _, token = share_link_create(
            scenario=scenario,
            result=result,
            label=form.cleaned_data["label"],
            days=form.cleaned_data["days"],
            user=request.user,
        )
        new_url = request.build_absolute_uri(reverse("reports:shared", args=[token]))
        form = ShareLinkForm()
    context = {
        "scenario": scenario,
        "membership": membership,
        "result": result,
        "links": scenario.share_links.select_related("result", "created_by"),
        "form": form,
        "new_url": new_url,
    }
    return render(request, "decisions/share_links.html", context)


@login_required
@require_POST
def share_link_revoke_view(request, scenario_id: int, link_id: int):
    scenario, _ = scenario_for(request, scenario_id, edit=True)
    link = get_object_or_404(ShareLink, pk=link_id, scenario=scenario)
    share_link_revoke(link=link)
    messages.success(request, f"“{link.label}” revoked: the link stopped working now.")
    return redirect("reports:share_links", scenario.pk)


# --- What a share-link holder sees ----------------------------------------------------------


def shared_headers(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def shared_link_or_reason(request, token: str):
    """(link, None) for a usable link, else (None, response) to send instead."""
    address = request.META.get("REMOTE_ADDR", "")
    if not share_lookup_allowed(address):
        response = render(request, "decisions/shared_gone.html", {"too_many": True}, status=429)
        response["Retry-After"] = "60"
        return None, shared_headers(response)
    link = share_link_find(token)
    if link is None or not link.is_usable:
        # Same page for unknown, expired and revoked: it says nothing of what it was.
        status = 404 if link is None else 410
        return None, shared_headers(render(request, "decisions/shared_gone.html", status=status))
    return link, None


def shared_report(request, token: str):
    link, refusal = shared_link_or_reason(request, token)
    if refusal:
        return refusal
    share_link_viewed(link=link)
    context = report_context(link.result)
    context["shared"] = True
    context["newer_result"] = link.scenario.results.filter(created__gt=link.result.created).exists()
    context["links"] = {
        "pdf": reverse("reports:shared_pdf", args=[token]),
        "csv": reverse("reports:shared_csv", args=[token]),
    }
    return shared_headers(render(request, "decisions/report.html", context))


def shared_report_pdf(request, token: str):
    link, refusal = shared_link_or_reason(request, token)
    return refusal or shared_headers(pdf_response(request, link.result))


def shared_report_csv(request, token: str):
    link, refusal = shared_link_or_reason(request, token)
    return refusal or shared_headers(csv_response(link.result))
