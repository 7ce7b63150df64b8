from django.urls import path

from pricing import views

app_name = "pricing"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("diff/", views.diff, name="diff"),
    path("<slug:slug>/models/", views.models, name="models"),
    path("<slug:slug>/providers/", views.providers, name="providers"),
    path("<slug:slug>/gpus/", views.gpus, name="gpus"),
    path("<slug:slug>/prices/", views.prices, name="prices"),
    path("<slug:slug>/compare/", views.compare, name="compare"),
]
