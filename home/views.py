import datetime

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from .models import SiteSettings


def csrf_failure(request, reason=""):
    """A form posted without a valid security token: the site's own page, not Django's."""
    return render(request, "403_csrf.html", status=403)


@require_GET
def robots_txt(request):
    # Search results in every language (/search/, /es/search/): endless, and never a page.
    searches = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            searches[reverse("search")] = code
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        *(f"Disallow: {path}" for path in searches),
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def security_txt(request):
    """RFC 9116: how to report a security problem, from the site settings."""
    site_settings = SiteSettings.for_request(request)
    if not site_settings.security_contact:
        raise Http404("No security contact has been set.")
    expires = timezone.now().replace(microsecond=0) + datetime.timedelta(days=365)
    lines = [
        f"Contact: {site_settings.security_contact_uri}",
        f"Expires: {expires.astimezone(datetime.UTC).isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: en, es",
        f"Canonical: {request.build_absolute_uri(request.path)}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
