"""Response headers every page carries, the page cache for anonymous readers, and the
request's site without a query."""

import contextlib
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http.request import split_domain_port
from django.utils.cache import patch_cache_control

from wagtail.models import Site

from core.caching.store import cached, content_version_and

# Public pages: scripts only from this site, never inline or eval'd. JSON-LD blocks are data,
# not scripts, so they need no exception.
PUBLIC_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "upgrade-insecure-requests",
    ]
)
# The Wagtail admin and its previews rely on inline scripts and styles.
ADMIN_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        # Wagtail renders a preview through this middleware with a dummy request for the page's
        # public address; it is shown in the admin's preview panel, so it gets the admin's rules.
        in_admin = request.path.startswith(self.admin_prefix) or getattr(request, "is_dummy", False)
        policy = ADMIN_CSP if in_admin else PUBLIC_CSP
        if not settings.SECURE_SSL_REDIRECT:
            policy = policy.replace("; upgrade-insecure-requests", "")
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if in_admin:
            # Editors' pages hold unpublished drafts and personal data: never keep a copy.
            response.headers["Cache-Control"] = "no-store, private"
        return response


class PageCacheMiddleware:
    """Anonymous readers' GETs of public pages, served from the cache.

    Stored only when nothing about the response belongs to one visitor: no session (so no
    editor, preview or unlocked private page), no cookie set, no CSRF token in the page, a
    200 status and only the query parameters listings use. Each page is stored with the site's
    content version, so publishing anything makes every stored page stale at once.
    """

    EXCLUDED_PREFIXES = ("/admin/", "/search/", "/health/", "/documents/", "/django-admin/")
    ALLOWED_PARAMETERS = {"page", "theme"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.may_use_cache(request):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and not request.path.startswith("/admin/"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        key = self.key(request)
        # A page is stored with the content version it was rendered at, under a key without
        # it: one round trip reads both, and publishing makes every stored page a miss.
        version, cached = content_version_and(key)
        if cached is not None:
            cached["X-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if self.may_store(request, response):
            patch_cache_control(response, public=True, max_age=0, s_maxage=self.proxy_seconds)
            response["X-Cache"] = "miss"
            cache.set(key, (version, response), self.timeout)
        elif not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response

    @property
    def timeout(self):
        return settings.PAGE_CACHE_SECONDS

    @property
    def proxy_seconds(self):
        return settings.PAGE_CACHE_PROXY_SECONDS

    def may_use_cache(self, request):
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(self.EXCLUDED_PREFIXES)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and set(request.GET) <= self.ALLOWED_PARAMETERS
        )

    def may_store(self, request, response):
        # A cookie set here (a CSRF token for a form, a session) belongs to one visitor.
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
        )

    def key(self, request):
        query = "&".join(f"{k}={v}" for k, v in sorted(request.GET.items()))
        digest = hashlib.sha256(f"{request.get_host()}{request.path}?{query}".encode()).hexdigest()
        return f"page:{request.method}:{digest}"


class SiteMiddleware:
    """Finds the request's Wagtail site in the fragment cache, not with a query per request.

    Wagtail looks the site up once per request (and caches it on the request); the records
    change rarely, and saving a site or publishing its root page changes the content version
    the cached copy is keyed by. Runs after CommonMiddleware, which refuses unknown hosts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not hasattr(request, "_wagtail_site"):
            hostname = split_domain_port(request.get_host())[0]
            port = request.get_port()
            # Without a database the views decide: /health/ and error pages need no site.
            with contextlib.suppress(DatabaseError):
                request._wagtail_site = cached(
                    f"wagtail-site:{hostname}:{port}", lambda: self.find_site(request)
                )
                # Every page address is built from these; Wagtail keeps them in the cache under
                # a key of its own, one more round trip to Redis per request.
                request._wagtail_cached_site_root_paths = cached(
                    "wagtail-site-root-paths", Site.get_site_root_paths
                )
        return self.get_response(request)

    @staticmethod
    def find_site(request):
        site = Site._find_for_request(request)
        if site is not None:
            # Every page is found by routing from the root page's specific form: keep that
            # too (each request gets its own copy from the cache).
            site.root_page.specific  # noqa: B018
        return site
