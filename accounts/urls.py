from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("switch/", views.switch_organisation, name="switch"),
    path("organisations/<int:organisation_id>/members/", views.members, name="members"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept"),
]
