import json
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from wagtail.models import Page, Site

from home.models import SiteSettings, StandardPage

register = template.Library()


def _site_root(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site.root_page if site else None


@register.inclusion_tag("includes/main_nav.html", takes_context=True)
def main_nav(context):
    """Home plus the top-level pages editors tick 'Show in menus' for."""
    root = _site_root(context)
    if root is None:
        return {"links": []}
    current = context.get("page")
    links = []
    for page in [root, *root.get_children().live().public().in_menu()]:
        state = None
        if current is not None and current.pk == page.pk:
            state = "page"
        elif current is not None and page.pk != root.pk and current.path.startswith(page.path):
            state = "true"
        links.append(
            {"page": page, "label": "Home" if page.pk == root.pk else page.title, "state": state}
        )
    return {"links": links}


@register.inclusion_tag("includes/footer_nav.html", takes_context=True)
def footer_nav(context):
    """Plain top-level pages (About, Contact, Privacy, Accessibility) linked from every page."""
    root = _site_root(context)
    links = []
    if root is not None:
        links = StandardPage.objects.child_of(root).live().public().order_by("path")
    return {"links": links}


def _trail(context):
    """The pages from the site's home page down to the current one (cached per request)."""
    request, page = context.get("request"), context.get("page")
    if request is None or not isinstance(page, Page):
        return []
    cache = getattr(request, "_psg_trail", None)
    if cache is None or cache[0] != page.pk:
        root = _site_root(context)
        if root is None or not page.path.startswith(root.path):
            trail = [page]
        else:
            trail = list(
                Page.objects.ancestor_of(page).filter(depth__gte=root.depth).order_by("depth")
            ) + [page]
        cache = (page.pk, trail)
        request._psg_trail = cache
    return cache[1]


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    trail = _trail(context)
    return {"trail": trail if len(trail) > 2 else []}


def _json_ld(data):
    # Escape like django.utils.html.json_script so text cannot close the script element.
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)
    return mark_safe(text.translate(_JSON_ESCAPES))


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.inclusion_tag("includes/page_meta.html", takes_context=True)
def page_meta(context):
    """Canonical link, description, Open Graph, Twitter card and JSON-LD for the page."""
    request, page = context.get("request"), context.get("page")
    if request is None or not isinstance(page, Page):
        return {}
    site_settings = SiteSettings.for_request(request)
    params = {key: request.GET[key] for key in ("theme", "page") if request.GET.get(key)}
    if params.get("page") == "1":
        del params["page"]
    canonical = request.build_absolute_uri(request.path)
    if params:
        canonical += "?" + urlencode(params)
    description = page.search_description or getattr(page, "summary", "") or ""
    image = None
    if site_settings.default_share_image:
        rendition = site_settings.default_share_image.get_rendition("fill-1200x630|format-jpeg")
        image = {
            "url": request.build_absolute_uri(rendition.url),
            "width": rendition.width,
            "height": rendition.height,
            "alt": site_settings.default_share_image.default_alt_text,
        }
    structured = []
    if hasattr(page, "get_structured_data"):
        structured.append(page.get_structured_data(request, site_settings, image))
    trail = _trail(context)
    if len(trail) > 2:
        structured.append(
            {
                "@context": "https://schema.org",
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {
                        "@type": "ListItem",
                        "position": position,
                        "name": "Home" if position == 1 else crumb.title,
                        "item": request.build_absolute_uri(crumb.get_url(request)),
                    }
                    for position, crumb in enumerate(trail, start=1)
                ],
            }
        )
    return {
        "page": page,
        "canonical": canonical,
        "description": " ".join(description.split()),
        "image": image,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "og_type": "article" if getattr(page, "date", None) else "website",
        "twitter_handle": site_settings.twitter_handle,
        "structured_data": [_json_ld(data) for data in structured if data],
    }
