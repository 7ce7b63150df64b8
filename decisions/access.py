"""Permission-scoped loading: every view gets its objects through here.

Someone outside the organisation gets 404 (the object's existence is not leaked);
a viewer asking to change something gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Membership
from decisions.models import Project, Scenario


def project_for(request, project_id: int, *, edit: bool = False) -> tuple[Project, Membership]:
    project = get_object_or_404(Project.objects.select_related("organisation"), pk=project_id)
    membership = Membership.objects.filter(
        user=request.user, organisation_id=project.organisation_id
    ).first()
    if membership is None:
        raise Http404("No such project.")
    if edit and not membership.can_edit:
        raise PermissionDenied("Viewers cannot change projects.")
    return project, membership


def scenario_for(request, scenario_id: int, *, edit: bool = False) -> tuple[Scenario, Membership]:
    scenario = get_object_or_404(
        Scenario.objects.select_related("project", "project__organisation"), pk=scenario_id
    )
    membership = Membership.objects.filter(
        user=request.user, organisation_id=scenario.project.organisation_id
    ).first()
    if membership is None:
        raise Http404("No such scenario.")
    if edit and not membership.can_edit:
        raise PermissionDenied("Viewers cannot change scenarios.")
    return scenario, membership


def portfolio_for(request, portfolio_id: int, *, edit: bool = False):
    """A portfolio, through its project's membership rules."""
    from decisions.models import Portfolio

    portfolio = get_object_or_404(Portfolio.objects.select_related("project"), pk=portfolio_id)
    _, membership = project_for(request, portfolio.project_id, edit=edit)
    return portfolio, membership
