"""Actions that span models or enqueue work: `<thing>_<verb>(*, ...)`."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from accounts.services import organisation_create
from decisions.models import Project

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "tunecase-demo"


@transaction.atomic
def demo_seed() -> bool:
    """The embedded demo: a user, their organisation and a sample project. Idempotent."""
    if User.objects.filter(username=DEMO_USERNAME).exists():
        return False
    user = User.objects.create_user(
        username=DEMO_USERNAME, email="demo@example.com", password=DEMO_PASSWORD
    )
    organisation = organisation_create(name="Demo Co", owner=user)
    Project.objects.create(
        organisation=organisation,
        name="Support replies in brand voice",
        description="Should we fine-tune an open 8B model instead of paying GPT-4o per call?",
        created_by=user,
    )
    return True
