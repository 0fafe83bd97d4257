"""Production settings are safe by default; error pages help readers and need no database."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_production(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env",
    [
        {"ALLOWED_HOSTS": "www.example.org"},
        {"SECRET_KEY": secrets.token_urlsafe(50)},
        {"SECRET_KEY": "", "ALLOWED_HOSTS": "www.example.org"},
    ],
    ids=["no-secret-key", "no-allowed-hosts", "empty-secret-key"],
)
def test_production_refuses_to_start_without_secrets(env):
    result = run_production("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY and ALLOWED_HOSTS" in result.stderr


def test_production_passes_the_deploy_check():
    result = run_production(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="www.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_values(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(50))
    monkeypatch.setenv("ALLOWED_HOSTS", "www.example.org,example.org")
    monkeypatch.setenv("DEBUG", "true")  # must not win over production
    import importlib

    import config.settings.production as production

    production = importlib.reload(production)
    assert production.DEBUG is False
    assert production.ALLOWED_HOSTS == ["www.example.org", "example.org"]
    assert production.SECURE_HSTS_SECONDS >= 31_536_000
    assert production.SECURE_SSL_REDIRECT is True
    assert production.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.STORAGES["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_404_uses_the_site_layout(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="page-title">Page not found</h1>' in html
    assert 'class="skip-link"' in html and 'aria-label="Main"' in html
    assert 'href="/"' in html


@pytest.mark.parametrize(
    ("address", "heading"),
    [("/no-such-page/", "Page not found"), ("/es/no-existe/", "Página no encontrada")],
)
def test_404_head_has_no_canonical_and_no_empty_sharing_tags(
    client, spanish_home, address, heading
):
    """The page at no address names no canonical address and shares nothing (an empty
    canonical link or og:url is an HTML error, and a page to index or share it is not)."""
    # The Spanish page leaves Spanish active in this thread; the override puts it back.
    with translation.override(settings.LANGUAGE_CODE):
        html = client.get(address).content.decode()
        home = client.get(address.removesuffix("no-such-page/").removesuffix("no-existe/"))
    head = html[: html.index("</head>")]
    assert f'<h1 class="page-title">{heading}</h1>' in html
    assert 'rel="canonical"' not in head
    assert not re.findall(r'<meta (?:property|name)="(?:og|twitter):', head)
    assert 'content=""' not in head and 'href=""' not in head
    # Positive control: the home page in the same language has them, filled in.
    home_head = home.content.decode().split("</head>")[0]
    assert re.search(r'<link rel="canonical" href="http://testserver/(es/)?">', home_head)
    assert re.search(r'<meta property="og:url" content="http://testserver/', home_head)


def test_500_page_needs_no_database(db, django_assert_num_queries):
    request = RequestFactory().get("/news/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, something went wrong" in html
    assert 'href="/"' in html and "Traceback" not in html
