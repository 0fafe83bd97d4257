"""Production settings are safe by default; error pages help readers and need no database."""

import json
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


# What production needs besides SECRET_KEY and ALLOWED_HOSTS: real addresses for its emails.
PUBLIC_ADDRESSES = {
    "WAGTAILADMIN_BASE_URL": "https://www.example.org",
    "DEFAULT_FROM_EMAIL": "Peru Support Group <website@example.org>",
}
# Taken from the environment tests run in, so each test says what production gets.
NOT_INHERITED = {
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    *PUBLIC_ADDRESSES,
}


def run_production(*args, python=None, **env):
    """manage.py with `args` (or Python code, `python`) under the production settings."""
    environment = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    environment.update(PUBLIC_ADDRESSES)
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, "-c", python] if python else [sys.executable, "manage.py", *args],
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
    for name, value in PUBLIC_ADDRESSES.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SECURE_HSTS_PRELOAD", raising=False)
    monkeypatch.delenv("SECURE_HSTS_INCLUDE_SUBDOMAINS", raising=False)
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
    assert production.WAGTAILADMIN_BASE_URL == "https://www.example.org"
    assert production.DEFAULT_FROM_EMAIL == production.SERVER_EMAIL
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert production.SECURE_HSTS_PRELOAD is False


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000"),
        ("WAGTAILADMIN_BASE_URL", "http://localhost:8000/"),
        ("WAGTAILADMIN_BASE_URL", "http://[::1]/"),
        ("WAGTAILADMIN_BASE_URL", ""),
        ("DEFAULT_FROM_EMAIL", "website@localhost"),
        ("DEFAULT_FROM_EMAIL", "Peru Support Group <website@127.0.0.1>"),
        ("DEFAULT_FROM_EMAIL", ""),
    ],
)
def test_production_refuses_to_start_with_emails_pointing_at_this_machine(name, value):
    secrets_ = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "www.example.org"}
    result = run_production("check", **secrets_, **{name: value})
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} is {value!r}, which is not the site's public" in (
        result.stderr
    )
    # Control: the same start with the site's own address goes through.
    assert run_production("check", **secrets_).returncode == 0


@pytest.mark.parametrize(
    ("env", "header"),
    [
        ({}, "max-age=31536000; includeSubDomains"),
        ({"SECURE_HSTS_PRELOAD": "true"}, "max-age=31536000; includeSubDomains; preload"),
        ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": "false"}, "max-age=31536000"),
    ],
)
def test_hsts_sub_domains_and_preload_are_settings(env, header):
    probe = (
        "import django; django.setup(); from django.test import Client; "
        "print(Client().get('/health/', secure=True, HTTP_HOST='www.example.org')"
        "['Strict-Transport-Security'])"
    )
    result = run_production(
        python=probe, SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="www.example.org", **env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == header


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


# Every optional integration production can switch on, as docs/configuration.md lists them.
EVERY_INTEGRATION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "www.example.org",
    **PUBLIC_ADDRESSES,
    "SECURE_HSTS_PRELOAD": "true",
    "SENTRY_DSN": "https://public@sentry.example.org/1",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "EMAIL_HOST": "smtp.example.org",
    "FRONTEND_CACHE_PURGE_URL": "http://127.0.0.1:6081",
    "CLOUDFLARE_API_TOKEN": "a-token",
    "CLOUDFLARE_ZONE_ID": "a-zone",
}


@pytest.mark.slow
def test_production_with_every_integration_switched_on_passes_the_deploy_check():
    result = run_production("check", "--deploy", "--fail-level", "WARNING", **EVERY_INTEGRATION)
    assert result.returncode == 0, result.stdout + result.stderr


# A failing request carrying an applicant's details, in production settings with Sentry on;
# the events Sentry would send are printed instead of sent.
SENTRY_PROBE = """
import json

import django
import sentry_sdk
from sentry_sdk.transport import Transport

django.setup()

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import path

events = []


class Kept(Transport):
    def capture_envelope(self, envelope):
        events.extend(item.payload.json for item in envelope.items if item.payload.json)


client = sentry_sdk.get_client()
client.transport = Kept(client.options)


def apply(request):
    name, address = request.POST["name"], request.POST["address"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s, %s", [name, address])
    raise RuntimeError("the register is unavailable")


urlpatterns = [path("apply/", apply)]

# The error page's stylesheet without a collectstatic manifest.
storages = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}}
with override_settings(ROOT_URLCONF=__name__, STORAGES=storages):
    browser = Client(raise_request_exception=False, HTTP_HOST="www.example.org")
    browser.cookies["sessionid"] = "a-session-of-ana"
    response = browser.post(
        "/apply/",
        {"name": "Ana Quispe", "email": "ana@example.org", "address": "Jirón Puno 123"},
        secure=True,
    )
sentry_sdk.flush()
print(json.dumps({"status": response.status_code, "events": events}))
"""


@pytest.mark.slow
def test_sentry_receives_no_body_variables_sql_parameters_or_cookies(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    environment.update(
        EVERY_INTEGRATION,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "-c", SENTRY_PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == 500
    sent = json.dumps(report["events"], ensure_ascii=False)
    # Sentry is told what failed, where...
    assert "the register is unavailable" in sent and '"function": "apply"' in sent
    # ...and nothing the applicant sent.
    for personal in ("Ana Quispe", "ana@example.org", "Jirón Puno", "a-session-of-ana"):
        assert personal not in sent
