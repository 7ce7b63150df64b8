from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from decisions.access import project_for
from decisions.forms import ProjectForm
from decisions.models import Project


@login_required
def project_list(request):
    membership = request.membership
    projects = Project.objects.none()
    if membership is not None:
        projects = Project.objects.filter(organisation=membership.organisation).active()
    return render(
        request,
        "decisions/project_list.html",
        {"projects": projects, "membership": membership, "form": ProjectForm()},
    )


@login_required
def project_create(request):
    membership = request.membership
    if membership is None or not membership.can_edit:
        raise PermissionDenied("Viewers cannot create projects.")
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = form.save(commit=False)
        project.organisation = membership.organisation
        project.created_by = request.user
        project.save()
        messages.success(request, f"Project “{project.name}” created.")
        return redirect("decisions:project_detail", project.pk)
    return render(request, "decisions/project_form.html", {"form": form})


@login_required
def project_detail(request, project_id: int):
    project, membership = project_for(request, project_id)
    return render(
        request, "decisions/project_detail.html", {"project": project, "membership": membership}
    )


@login_required
def project_edit(request, project_id: int):
    project, membership = project_for(request, project_id, edit=True)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Project saved.")
        return redirect("decisions:project_detail", project.pk)
    return render(request, "decisions/project_form.html", {"form": form, "project": project})
