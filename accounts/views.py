from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.forms import ApiTokenForm, InvitationForm, SignupForm
from accounts.middleware import SESSION_KEY
from accounts.models import ApiToken, Invitation, Membership, hash_token
from accounts.ratelimit import client_address, login_blocked
from accounts.services import invitation_accept, user_signup

security_log = logging.getLogger("tunecase.security")

TOO_MANY_LOGINS = (
    "Too many failed logins from here. For your account's safety, logging in is paused "
    "for {minutes} minutes; try again later or ask an owner to reset your password."
)


class ThrottledLoginForm(AuthenticationForm):
    """The login form while its username and address are throttled: it refuses without
    looking at the password, so a guesser learns nothing from trying more."""

    def clean(self):
        minutes = max(1, settings.LOGIN_FAILURE_WINDOW // 60)
        raise ValidationError(TOO_MANY_LOGINS.format(minutes=minutes), code="rate_limited")


_login_view = LoginView.as_view()
_throttled_login_view = LoginView.as_view(form_class=ThrottledLoginForm)


def login_view(request):
    """Django's LoginView, answering 429 with a clear message once the failed logins of
    this username and address (or of this address) reach the limit; see accounts.ratelimit."""
    username = request.POST.get("username", "") if request.method == "POST" else ""
    if not (request.method == "POST" and login_blocked(username, client_address(request))):
        return _login_view(request)
    security_log.warning(
        "login refused, rate limited: username=%r ip=%s", username[:150], client_address(request)
    )
    response = _throttled_login_view(request)
    response.status_code = 429
    response["Retry-After"] = str(settings.LOGIN_FAILURE_WINDOW)
    return response


def signup(request):
    if request.user.is_authenticated:
        return redirect("decisions:project_list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_signup(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            organisation_name=form.cleaned_data["organisation_name"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome! {form.cleaned_data['organisation_name']} is ready.")
        return redirect(request.GET.get("next") or "decisions:project_list")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_POST
def switch_organisation(request):
    membership = get_object_or_404(
        Membership, user=request.user, organisation_id=request.POST.get("organisation")
    )
    request.session[SESSION_KEY] = membership.organisation_id
    messages.info(request, f"Now working in {membership.organisation}.")
    return redirect("decisions:project_list")


def _membership_or_404(request, organisation_id: int) -> Membership:
    # Outsiders get 404: they must not learn the organisation exists.
    return get_object_or_404(
        Membership.objects.select_related("organisation"),
        user=request.user,
        organisation_id=organisation_id,
    )


@login_required
def members(request, organisation_id: int):
    membership = _membership_or_404(request, organisation_id)
    organisation = membership.organisation
    form = InvitationForm()
    invite_url = None
    if request.method == "POST":
        if not membership.is_owner:
            return HttpResponseForbidden("Only an owner can invite colleagues.")
        form = InvitationForm(request.POST)
        if form.is_valid():
            _, token = Invitation.issue(
                organisation=organisation,
                role=form.cleaned_data["role"],
                created_by=request.user,
                days=form.cleaned_data["days"],
            )
            invite_url = request.build_absolute_uri(reverse("accounts:accept", args=[token]))
    context = {
        "organisation": organisation,
        "membership": membership,
        "memberships": organisation.memberships.select_related("user").order_by("user__username"),
        "form": form,
        "invite_url": invite_url,
    }
    return render(request, "accounts/members.html", context)


def accept_invitation(request, token: str):
    invitation = Invitation.objects.filter(token_hash=hash_token(token)).first()
    if invitation is None or not invitation.is_usable:
        raise Http404("This invitation is no longer valid.")
    if not request.user.is_authenticated:
        return render(
            request, "accounts/invitation.html", {"invitation": invitation, "token": token}
        )
    if request.method == "POST":
        invitation_accept(invitation=invitation, user=request.user)
        request.session[SESSION_KEY] = invitation.organisation_id
        messages.success(request, f"You joined {invitation.organisation}.")
        return redirect("decisions:project_list")
    return render(request, "accounts/invitation.html", {"invitation": invitation, "token": token})


@login_required
def api_tokens(request):
    """The user's API tokens: create one (shown once), see when each was last used."""
    new_token = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, new_token = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "accounts/api_tokens.html",
        {"tokens": tokens, "form": form, "new_token": new_token},
    )


@login_required
@require_POST
def api_token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    token.revoke()
    messages.success(request, f"Token “{token.name}” revoked; it stops working now.")
    return redirect("accounts:api_tokens")
