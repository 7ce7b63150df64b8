from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.models import Organisation


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProjectQuerySet:
        return self.filter(organisation__memberships__user=user)

    def active(self) -> ProjectQuerySet:
        return self.filter(archived=False)


class Project(models.Model):
    """An initiative of one organisation; nobody outside it can see it."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="projects")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
