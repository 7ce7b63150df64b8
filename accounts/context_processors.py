from __future__ import annotations

from django.conf import settings

from accounts.models import Membership


def organisations(request) -> dict:
    """The organisation switcher's choices and the demo flag, for base.html."""
    context = {"demo_mode": settings.DEMO_MODE}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["my_memberships"] = (
            Membership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("organisation__name")
        )
    return context
