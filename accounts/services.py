"""Actions on organisations that span models."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from accounts.models import Invitation, Membership, Organisation, Role


@transaction.atomic
def user_signup(*, username: str, email: str, password: str, organisation_name: str) -> User:
    """A new user owns a new organisation from the first minute."""
    user = User.objects.create_user(username=username, email=email, password=password)
    organisation_create(name=organisation_name, owner=user)
    return user


def organisation_create(*, name: str, owner: User) -> Organisation:
    organisation = Organisation.objects.create(name=name)
    Membership.objects.create(user=owner, organisation=organisation, role=Role.OWNER)
    return organisation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the organisation; an existing member keeps the higher of the two roles."""
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    rank = {Role.VIEWER: 0, Role.EDITOR: 1, Role.OWNER: 2}
    if not created and rank[Role(invitation.role)] > rank[Role(membership.role)]:
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    invitation.accepted_by = user
    invitation.accepted = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted"])
    return membership
