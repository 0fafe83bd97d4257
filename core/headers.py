"""Response headers every page carries: what a page may load, what browsers may do, and who
may keep a copy (Cache-Control), for the browser and for the HTTP cache in front (Varnish or a
CDN, docs/deploy.md)."""

from django.conf import settings
from django.utils.translation import get_language_from_path

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


PRIVATE = "private, no-store"
SAFE_METHODS = ("GET", "HEAD")


def unprefixed(path: str) -> str:
    """`path` without its language prefix: /es/search/ is /search/."""
    language = get_language_from_path(path)
    if language and path.startswith(f"/{language}/"):
        return path[len(language) + 1 :]
    return path


def belongs_to_one_person(request, response) -> bool:
    """Whether the response may be kept only by the browser it was sent to, and not even there."""
    existing = response.get("Cache-Control", "")
    user = getattr(request, "user", None)
    return (
        request.path.startswith("/admin/")
        # Wagtail's previews: a dummy request through the middleware, then the admin's view.
        or getattr(request, "is_dummy", False)
        or getattr(request, "is_preview", False)
        or request.method not in SAFE_METHODS
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or (user is not None and user.is_authenticated)
        # A CSRF token for a form, a message, a session: each is one visitor's.
        or bool(response.cookies)
        # Wagtail marks every page with view restrictions (the page itself, its password form,
        # its redirect to sign in) never_cache, previews private: both say "private".
        or "private" in existing
        or "no-store" in existing
        or response.status_code >= 500
    )


def cache_control(request, response) -> str | None:
    """The Cache-Control the response should carry, or None to keep the one it has."""
    if belongs_to_one_person(request, response):
        return PRIVATE
    if response.has_header("Cache-Control"):
        # Static files (whitenoise), documents, the health check: they know best.
        return None
    if unprefixed(request.path).startswith("/search/") or "query" in request.GET:
        return f"public, max-age=0, s-maxage={settings.SEARCH_CACHE_S_MAXAGE}"
    return (
        f"public, max-age={settings.CACHE_CONTROL_MAX_AGE}, "
        f"s-maxage={settings.CACHE_CONTROL_S_MAXAGE}"
    )


class SecurityHeadersMiddleware:
    """The first of the project's middleware, so what it says is what a reader gets."""

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
        caching = cache_control(request, response)
        if caching is not None:
            response.headers["Cache-Control"] = caching
        drop_accept_language_from_vary(response)
        return response


def drop_accept_language_from_vary(response) -> None:
    """Django's LocaleMiddleware marks unprefixed (English) responses `Vary: Accept-Language`,
    but a page's language is in its address (/es/ or none): the mark would only make every
    shared cache keep a copy per browser language."""
    vary = [value.strip() for value in response.get("Vary", "").split(",") if value.strip()]
    kept = [value for value in vary if value.lower() != "accept-language"]
    if kept != vary:
        if kept:
            response.headers["Vary"] = ", ".join(kept)
        else:
            del response.headers["Vary"]
