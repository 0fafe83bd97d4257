"""Response headers every page carries: what a page may load, and what browsers may do."""

from django.conf import settings

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
