"""The subscription pages, under each language's prefix (config/urls.py): none needs a reader
to sign in, and none is kept by the cache in front (each carries a form or a reader's own
token)."""

from django.urls import path

from . import views

app_name = "bulletins"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/check-your-email/", views.check_your_email, name="check_your_email"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("subscribe/manage/<uuid:key>/", views.manage, name="manage"),
]
