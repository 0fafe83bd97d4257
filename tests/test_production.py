"""Production behaviour: headers, failing politely, health (the caches: test_caching.py;
sign-in protection: test_signin.py; backups: test_backups.py)."""

import logging
import re
import runpy
import sys
from pathlib import Path
from unittest import mock

from django.db import OperationalError, connection
from django.test import Client

from core.logging import OneLineFormatter
from home.models import SiteSettings


def directives(policy):
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )


class TestSecurityHeaders:
    def test_public_pages(self, client, home_page):
        response = client.get("/")
        csp = directives(response["Content-Security-Policy"])
        assert csp["script-src"] == "'self'"
        assert "unsafe-inline" not in csp["script-src"] and "unsafe-eval" not in csp["script-src"]
        assert csp["object-src"] == "'none'"
        assert csp["frame-ancestors"] == "'none'"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]

    def test_admin_pages_are_never_cached_and_allow_the_admins_scripts(self, admin_client):
        response = admin_client.get("/admin/")
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        csp = directives(response["Content-Security-Policy"])
        assert csp["frame-ancestors"] == "'self'"

    def test_preview_may_be_framed_by_the_admin_only(self, admin_client, home_page):
        response = admin_client.get(f"/admin/pages/{home_page.pk}/edit/preview/")
        assert response["X-Frame-Options"] == "SAMEORIGIN"

    def test_hsts_and_https_redirect_in_production(self, client, home_page, settings):
        settings.SECURE_HSTS_SECONDS = 31_536_000
        settings.SECURE_SSL_REDIRECT = True
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        insecure = client.get("/")
        assert insecure.status_code == 301
        assert insecure["Location"] == "https://testserver/"
        secure = client.get("/", HTTP_X_FORWARDED_PROTO="https")
        assert secure.status_code == 200
        assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "upgrade-insecure-requests" in secure["Content-Security-Policy"]

    def test_security_txt(self, client, home_page):
        assert client.get("/.well-known/security.txt").status_code == 404
        site_settings = SiteSettings.for_site(home_page.get_site())
        site_settings.security_contact = "security@example.org"
        site_settings.save()
        response = client.get("/.well-known/security.txt")
        assert response.status_code == 200
        text = response.content.decode()
        assert "Contact: mailto:security@example.org\n" in text
        assert "Expires: 20" in text and text.count("Expires:") == 1


class TestFailingPolitely:
    def test_bad_host_is_a_400_without_traceback(self, home_page):
        response = Client().get("/", HTTP_HOST="attacker.example")
        assert response.status_code == 400
        html = response.content.decode()
        assert "Sorry, we could not understand that request" in html
        assert "Traceback" not in html and "DisallowedHost" not in html

    def test_site_styled_403(self, client, home_page):
        from django.test import RequestFactory
        from django.views.defaults import permission_denied

        response = permission_denied(RequestFactory().get("/"), exception=None)
        assert response.status_code == 403
        assert b"You do not have access to this page" in response.content

    def test_500_renders_with_the_database_down(self, home_page):
        client = Client(raise_request_exception=False)
        with mock.patch.object(
            connection, "ensure_connection", side_effect=OperationalError("database is down")
        ):
            response = client.get("/")
        assert response.status_code == 500
        html = response.content.decode()
        assert "Sorry, something went wrong" in html
        assert "database is down" not in html and "Traceback" not in html

    def test_health(self, client, db):
        response = client.get("/health/")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}
        assert "no-store" in response["Cache-Control"]

    def test_health_without_the_database(self, client, db):
        with mock.patch.object(
            connection, "cursor", side_effect=OperationalError("could not connect")
        ):
            response = client.get("/health/")
        assert response.status_code == 503
        assert response.json()["database"] == "unreachable"
        assert "no-store" in response["Cache-Control"]

    def test_logs_are_one_line_with_path_and_status(self, rf):
        request = rf.get("/news/?page=2")
        try:
            raise RuntimeError("first line\nsecond line")
        except RuntimeError:
            record = logging.LogRecord(
                "django.request",
                logging.ERROR,
                __file__,
                1,
                "Internal Server Error: %s",
                ("/news/",),
                sys.exc_info(),
            )
        record.request = request
        record.status_code = 500
        line = OneLineFormatter().format(record)
        assert "\n" not in line
        assert "path=/news/" in line and "status=500" in line
        assert "RuntimeError: first line ⏎ second line" in line


def test_the_documented_nginx_serves_media_with_nosniff():
    """nginx serves /media/ itself: the headers Django sends (above) must be its own there."""
    guide = (Path(__file__).resolve().parent.parent / "docs" / "deploy.md").read_text()
    [nginx] = [
        block for block in re.findall(r"```nginx\n(.*?)```", guide, re.S) if "server" in block
    ]
    locations = dict(re.findall(r"location (\S+(?: \S+)?) \{(.*?)\n    \}", nginx, re.S))
    media = locations["/media/"]
    assert 'add_header X-Content-Type-Options "nosniff" always;' in media
    assert re.search(r'add_header Content-Security-Policy "[^"]*\bsandbox\b', media)
    # Control: the proxied pages get theirs from Django, not from nginx.
    assert "add_header" not in locations["/"]


def gunicorn_setting(name):
    """`name` as gunicorn reads it from config/gunicorn.py."""
    from gunicorn.config import Config

    config = Config()
    path = Path(__file__).resolve().parent.parent / "config" / "gunicorn.py"
    for key, value in runpy.run_path(str(path)).items():
        if key in config.settings:
            config.set(key, value)
    return getattr(config, name)


def test_gunicorn_believes_forwarded_headers_only_from_the_configured_proxies(monkeypatch):
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    assert gunicorn_setting("forwarded_allow_ips") == ["127.0.0.1"]
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.5,10.0.0.6")
    assert gunicorn_setting("forwarded_allow_ips") == ["10.0.0.5", "10.0.0.6"]
