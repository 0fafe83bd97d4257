"""schema.org descriptions shared by the page types (rendered as JSON-LD by page_meta)."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.html import strip_tags
from django.utils.text import Truncator

from wagtail.models import Site


def site_root(request):
    """The home page of the request's site in the reader's language (the English one until a
    translation is published), or None when no site answers the request. Looked up once per
    request, as Wagtail keeps the request's site."""
    if not hasattr(request, "site_root"):
        site = Site.find_for_request(request)
        request.site_root = site.root_page.localized if site else None
    return request.site_root


def organisation(
    request: HttpRequest, social_links=(), description: str = "", details=None
) -> dict:
    """The charity, as schema.org describes an organisation; with `details` (the site settings)
    its registered name, numbers, contact details and donation page too, each only if set."""
    root = site_root(request)
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": settings.WAGTAIL_SITE_NAME,
        "url": request.build_absolute_uri(root.get_url(request)),
    }
    if description:
        data["description"] = Truncator(strip_tags(description)).chars(300)
    if social_links:
        data["sameAs"] = list(social_links)
    if details is not None:
        data.update(organisation_details(details))
    return data


def organisation_details(details) -> dict:
    data = {}
    if details.legal_name:
        data["legalName"] = details.legal_name
    if details.contact_email:
        data["email"] = details.contact_email
    if details.phone:
        data["telephone"] = details.phone
    if details.address_lines:
        data["address"] = ", ".join(details.address_lines)
    identifiers = [
        {"@type": "PropertyValue", "propertyID": name, "value": value}
        for name, value in (
            ("Registered charity number", details.charity_number),
            ("Company number", details.company_number),
        )
        if value
    ]
    if identifiers:
        data["identifier"] = identifiers
    if details.donate_url:
        data["potentialAction"] = {"@type": "DonateAction", "target": details.donate_url}
    return data
