from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User

from accounts.models import Role


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True)
    organisation_name = forms.CharField(
        max_length=120, help_text="Your company or team; you can invite colleagues later."
    )

    class Meta:
        model = User
        fields = ("username", "email")


class InvitationForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EDITOR)
    days = forms.IntegerField(min_value=1, max_value=30, initial=7, label="Valid for (days)")


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What will use it, e.g. “finance notebook”.")
