from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("switch/", views.switch_organisation, name="switch"),
    path("organisations/<int:organisation_id>/members/", views.members, name="members"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
