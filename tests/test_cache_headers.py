"""Every response says who may keep it (core/headers.py): public pages for anonymous readers
may be kept by browsers briefly and by the cache in front longer; anything that belongs to
one person is `private, no-store`."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from wagtail.models import PageViewRestriction

import pytest

from core.headers import SecurityHeadersMiddleware
from members.models import MembershipSettings
from tests.factories import JoinPageFactory, MembershipTierFactory, StandardPageFactory

PUBLIC = "public, max-age=60, s-maxage=600"
PRIVATE = "private, no-store"
SEARCH = "public, max-age=0, s-maxage=60"


@pytest.fixture
def about(home_page):
    return StandardPageFactory(parent=home_page, title="About", slug="about")


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("ed", "ed@example.org", "pw")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


def cache_control(client, path, **kwargs):
    response = client.get(path, **kwargs)
    assert response.status_code in (200, 302, 404), (path, response.status_code)
    return response["Cache-Control"]


def test_public_pages_may_be_kept_by_browsers_briefly_and_by_the_cache_in_front_longer(
    client, home_page, about
):
    assert cache_control(client, "/") == PUBLIC
    assert cache_control(client, "/about/") == PUBLIC
    response = client.get("/about/")
    assert not response.cookies


@override_settings(CACHE_CONTROL_MAX_AGE=5, CACHE_CONTROL_S_MAXAGE=7, SEARCH_CACHE_S_MAXAGE=9)
def test_the_lifetimes_come_from_the_settings(client, home_page, about):
    assert cache_control(client, "/about/") == "public, max-age=5, s-maxage=7"
    assert cache_control(client, "/search/", data={"query": "peru"}) == (
        "public, max-age=0, s-maxage=9"
    )


def test_a_page_not_found_is_public_too(client, home_page):
    # Kept by the cache in front until the next change, like any page readers see.
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Cache-Control"] == PUBLIC


def test_the_admin_is_private(client, editor_client, home_page):
    assert cache_control(editor_client, reverse("wagtailadmin_home")) == PRIVATE
    # Its sign-in page too, for anyone.
    assert cache_control(client, reverse("wagtailadmin_login")) == PRIVATE


def test_a_signed_in_reader_gets_private_pages(client, editor_client, about):
    assert cache_control(client, "/about/") == PUBLIC
    assert cache_control(editor_client, "/about/") == PRIVATE


def test_a_session_cookie_alone_makes_a_page_private(client, about):
    assert cache_control(client, "/about/") == PUBLIC
    client.cookies["sessionid"] = "not-a-session"
    assert cache_control(client, "/about/") == PRIVATE


def test_unsafe_methods_are_private(client, about):
    assert client.get("/about/")["Cache-Control"] == PUBLIC
    response = client.post("/about/")
    assert response["Cache-Control"] == PRIVATE


def test_a_form_with_a_csrf_token_is_private(client, home_page, about):
    privacy = StandardPageFactory(parent=home_page, slug="privacy")
    settings = MembershipSettings.for_site(home_page.get_site())
    settings.privacy_page = privacy
    settings.save()
    JoinPageFactory(parent=home_page)
    MembershipTierFactory(name="Individual", annual_fee=Decimal("25.00"))
    response = client.get("/join/")
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert response.cookies  # the CSRF cookie
    assert response["Cache-Control"] == PRIVATE
    # Even for a reader who already holds a CSRF cookie.
    assert cache_control(client, "/join/") == PRIVATE
    assert cache_control(client, "/about/") == PUBLIC


@pytest.mark.parametrize("language", ["", "/es"])
def test_search_results_are_kept_a_minute_by_the_cache_in_front_only(
    client, editor_client, home_page, spanish_home, language
):
    assert cache_control(client, f"{language}/search/", data={"query": "mining"}) == SEARCH
    assert cache_control(client, f"{language}/search/") == SEARCH
    assert cache_control(editor_client, f"{language}/search/", data={"query": "mining"}) == PRIVATE


def test_a_query_parameter_anywhere_is_treated_as_a_search(client, about):
    assert cache_control(client, "/about/", data={"query": "x"}) == SEARCH
    assert cache_control(client, "/about/", data={"page": "2"}) == PUBLIC


@pytest.mark.parametrize("restriction_type", ["password", "login"])
def test_pages_with_view_restrictions_are_private_for_everyone(
    client, home_page, about, restriction_type
):
    secret = StandardPageFactory(parent=home_page, slug="members-only")
    inner = StandardPageFactory(parent=secret, slug="minutes")
    assert cache_control(client, "/members-only/minutes/") == PUBLIC
    PageViewRestriction.objects.create(
        page=secret, restriction_type=restriction_type, password="letmein"
    )
    # The password form, or the redirect to sign in, is the same for every anonymous reader,
    # but Wagtail marks it never_cache, and so do we.
    for path in ("/members-only/", "/members-only/minutes/"):
        response = client.get(path)
        assert response.status_code == (200 if restriction_type == "password" else 302)
        assert response["Cache-Control"] == PRIVATE
    assert cache_control(client, "/about/") == PUBLIC
    if restriction_type == "password":
        restriction = PageViewRestriction.objects.get(page=secret)
        response = client.post(
            reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, inner.pk]),
            {"password": "letmein", "return_url": "/members-only/minutes/"},
        )
        assert response.status_code == 302
        response = client.get("/members-only/minutes/")
        assert response.status_code == 200 and "minutes" in response.content.decode().lower()
        assert response["Cache-Control"] == PRIVATE


def test_a_preview_is_private(editor_client, about):
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(about.pk,))
    response = editor_client.get(f"/admin/pages/{about.pk}/edit/")
    assert response.status_code == 200
    response = editor_client.get(url)
    assert response["Cache-Control"] == PRIVATE


def middleware_response(request, response):
    return SecurityHeadersMiddleware(lambda request: response)(request)


def test_a_preview_rendered_for_a_public_address_is_private(db):
    """Wagtail renders previews through the middleware with a dummy request for the page's own
    public address."""
    factory = RequestFactory()
    assert middleware_response(factory.get("/about/"), HttpResponse())["Cache-Control"] == PUBLIC
    for flag in ("is_dummy", "is_preview"):
        request = factory.get("/about/")
        setattr(request, flag, True)
        assert middleware_response(request, HttpResponse())["Cache-Control"] == PRIVATE


def test_server_errors_are_private(db):
    factory = RequestFactory()
    assert middleware_response(factory.get("/"), HttpResponse(status=200))["Cache-Control"] == (
        PUBLIC
    )
    for status in (500, 502, 503):
        response = middleware_response(factory.get("/"), HttpResponse(status=status))
        assert response["Cache-Control"] == PRIVATE


def test_a_response_that_says_who_may_keep_it_keeps_its_header(client, home_page, db):
    kept = HttpResponse()
    kept["Cache-Control"] = "max-age=3600"
    assert middleware_response(RequestFactory().get("/"), kept)["Cache-Control"] == "max-age=3600"
    # Unless it belongs to one person.
    kept = HttpResponse()
    kept["Cache-Control"] = "max-age=3600"
    assert middleware_response(RequestFactory().post("/"), kept)["Cache-Control"] == PRIVATE
    # Static files: whitenoise's own header.
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "s-maxage" not in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    # The health check is never kept.
    assert client.get("/health/")["Cache-Control"] == PRIVATE
