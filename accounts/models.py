from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class Organisation(models.Model):
    name = models.CharField(max_length=120)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


class MembershipQuerySet(models.QuerySet):
    def editors(self) -> MembershipQuerySet:
        return self.filter(role__in=[Role.OWNER, Role.EDITOR])


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.role})"

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.OWNER, Role.EDITOR)

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A link that lets a colleague join an organisation. Only the token's hash is kept."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation to {self.organisation} as {self.role}"

    @classmethod
    def issue(cls, *, organisation: Organisation, role: str, created_by, days: int = 7):
        """Create an invitation; returns (invitation, token). The token is shown once."""
        token = secrets.token_urlsafe(24)
        invitation = cls.objects.create(
            organisation=organisation,
            role=role,
            token_hash=hash_token(token),
            created_by=created_by,
            expires=timezone.now() + timedelta(days=days),
        )
        return invitation, token

    @property
    def is_usable(self) -> bool:
        return self.accepted is None and self.expires > timezone.now()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked__isnull=True)


class ApiToken(models.Model):
    """A personal token for the HTTP API. Only its hash is stored; it is shown once."""

    PREFIX = "tc_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)  # the first characters, to tell tokens apart
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, *, user, name: str) -> tuple[ApiToken, str]:
        token = cls.PREFIX + secrets.token_urlsafe(32)
        api_token = cls.objects.create(
            user=user, name=name, token_hash=hash_token(token), hint=token[:10]
        )
        return api_token, token

    @classmethod
    def authenticate(cls, token: str) -> ApiToken | None:
        api_token = (
            cls.objects.active().select_related("user").filter(token_hash=hash_token(token)).first()
        )
        if api_token is None or not api_token.user.is_active:
            return None
        cls.objects.filter(pk=api_token.pk).update(last_used=timezone.now())
        return api_token

    def revoke(self) -> None:
        self.revoked = timezone.now()
        self.save(update_fields=["revoked"])
