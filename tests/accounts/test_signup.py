from __future__ import annotations

from django.contrib.auth.models import User
from django.urls import reverse

from accounts.models import Membership, Role


def test_signup_creates_user_and_their_organisation(client, db):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "dana",
            "email": "dana@example.com",
            "organisation_name": "Dana Labs",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="dana")
    assert membership.organisation.name == "Dana Labs"
    assert membership.role == Role.OWNER
    # The new user is logged in and lands on their (empty) project list.
    page = client.get(response["Location"])
    assert "Projects of Dana Labs" in page.content.decode()


def test_signup_with_mismatched_passwords_creates_nothing(client, db):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "dana",
            "email": "dana@example.com",
            "organisation_name": "Dana Labs",
            "password1": "a-long-enough-passphrase",
            "password2": "another-passphrase",
        },
    )
    assert response.status_code == 200
    assert "password fields didn’t match" in response.content.decode()
    assert not User.objects.filter(username="dana").exists()


def test_login_page_offers_the_demo_account_only_in_demo_mode(client, db, settings):
    settings.DEMO_MODE = True
    assert "tunecase-demo" in client.get(reverse("login")).content.decode()
    settings.DEMO_MODE = False
    assert "tunecase-demo" not in client.get(reverse("login")).content.decode()


def test_demo_account_logs_in_after_seeding(client, db):
    from decisions.services import demo_seed

    assert demo_seed() is True
    assert demo_seed() is False  # idempotent
    response = client.post(
        reverse("login"), {"username": "demo", "password": "tunecase-demo"}, follow=True
    )
    assert response.context["user"].username == "demo"
    assert "Customer support assistant" in response.content.decode()
