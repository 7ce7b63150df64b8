from __future__ import annotations

from accounts.models import Membership

SESSION_KEY = "organisation_id"


def current_organisation(get_response):
    """Put the signed-in user's current membership on the request.

    The organisation is the one chosen with the switcher (kept in the session), or the
    user's first one. Views still check every object against the user's memberships.
    """

    def middleware(request):
        request.membership = None
        request.organisation = None
        if request.user.is_authenticated:
            memberships = Membership.objects.filter(user=request.user).select_related(
                "organisation"
            )
            chosen = request.session.get(SESSION_KEY)
            membership = None
            if chosen is not None:
                membership = memberships.filter(organisation_id=chosen).first()
            membership = membership or memberships.order_by("organisation__name").first()
            if membership is not None:
                request.membership = membership
                request.organisation = membership.organisation
        return get_response(request)

    return middleware
