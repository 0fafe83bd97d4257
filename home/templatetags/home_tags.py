import json
import math
from urllib.parse import quote

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, pgettext

from wagtail.models import Page, Site

from core import i18n, signin
from home import pictures
from home.models import SiteSettings, StandardPage
from home.seo import site_root

register = template.Library()


@register.simple_tag
def site_name():
    """The charity's name (WAGTAIL_SITE_NAME), for templates whose view hides the context's
    `site_name` with one of its own (Django's sign-in view gives the host's)."""
    return settings.WAGTAIL_SITE_NAME


def _site_root(context):
    request = context.get("request")
    return site_root(request) if request else None


def _links(pages, request):
    return [
        {"pk": page.pk, "path": page.path, "title": page.title, "url": page.get_url(request)}
        for page in pages
    ]


@register.inclusion_tag("includes/main_nav.html", takes_context=True)
def main_nav(context):
    """Home plus the top-level pages editors tick 'Show in menus' for."""
    root, request = _site_root(context), context.get("request")
    if root is None:
        return {"links": []}
    links = _links([root, *root.get_children().live().public().in_menu()], request)
    current = context.get("page")
    for link in links:
        link["label"] = (
            pgettext("the home page", "Home") if link["pk"] == root.pk else link["title"]
        )
        link["state"] = None
        if isinstance(current, Page):
            # A page's own sub-page (the news archive's months) is in its section, not it.
            if current.pk == link["pk"] and not context.get("subpage_trail"):
                link["state"] = "page"
            elif link["pk"] != root.pk and current.path.startswith(link["path"]):
                link["state"] = "true"
    return {"links": links}


@register.inclusion_tag("includes/footer_nav.html", takes_context=True)
def footer_nav(context):
    """Plain top-level pages (About, Contact, Privacy, Accessibility) linked from every page."""
    root, request = _site_root(context), context.get("request")
    if root is None:
        return {"links": []}
    pages = StandardPage.objects.child_of(root).live().public().order_by("path")
    return {"links": _links(pages, request)}


@register.inclusion_tag("includes/footer_details.html", takes_context=True)
def footer_details(context):
    """The charity's registration numbers and the Donate link, each only once it is set."""
    request = context.get("request")
    if request is None:
        return {}
    return {"organisation": SiteSettings.for_request(request)}


@register.inclusion_tag("includes/privacy_notice.html", takes_context=True)
def privacy_notice(context):
    """The privacy notice's legal details (home.blocks.PrivacyNoticeBlock): the controller from
    the site settings, the retention periods from the code's own settings."""
    request = context.get("request")
    organisation = SiteSettings.for_request(request) if request is not None else None
    return {
        "organisation": organisation,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "new_months": settings.MEMBERSHIP_NEW_RETENTION_MONTHS,
        "declined_months": settings.MEMBERSHIP_DECLINED_RETENTION_MONTHS,
        "suspected_days": settings.MEMBERSHIP_SUSPECTED_RETENTION_DAYS,
        "lapsed_years": settings.MEMBERSHIP_LAPSED_RETENTION_YEARS,
        "contact_days": settings.CONTACT_MESSAGE_RETENTION_DAYS,
        "bulletin_pending_days": settings.BULLETIN_PENDING_RETENTION_DAYS,
        "bulletin_unsubscribed_days": settings.BULLETIN_UNSUBSCRIBED_RETENTION_DAYS,
        "bulletin_delivery_days": settings.BULLETIN_DELIVERY_RETENTION_DAYS,
        "search_days": settings.WAGTAILSEARCH_HITS_MAX_AGE,
        "counts_days": math.ceil(signin.counts_kept_seconds() / 86400),
        "known_address_days": settings.SIGNIN_KNOWN_ADDRESS_DAYS,
        # clearsessions (daily) deletes the sessions that have expired.
        "session_days": math.ceil(settings.SESSION_COOKIE_AGE / 86400),
        "log_days": settings.SERVER_LOG_RETENTION_DAYS,
    }


def _trail(context):
    """Links from the site's home page down to the current page."""
    request, page = context.get("request"), context.get("page")
    if request is None or not isinstance(page, Page):
        return []
    here = {"title": page.title, "url": page.get_url(request) or request.path}
    root = _site_root(context)
    # A page being previewed before its first save has no place in the tree yet.
    if root is None or not page.pk or not page.path.startswith(root.path):
        return [here]
    ancestors = _links(
        Page.objects.ancestor_of(page).filter(depth__gte=root.depth).order_by("depth"), request
    )
    # A routable page's sub-page (/news/2016/11/) adds its own steps below the page.
    return [*ancestors, here, *context.get("subpage_trail", [])]


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    trail = _trail(context)
    return {"trail": trail if len(trail) > 2 else []}


def _share_settings(request):
    """What shared links show, from the site settings."""
    site_settings = SiteSettings.for_request(request)
    image = site_settings.default_share_image
    rendition = image.get_rendition("fill-1200x630|format-jpeg") if image else None
    return {
        "image": rendition
        and {
            "url": rendition.url,
            "width": rendition.width,
            "height": rendition.height,
            "alt": image.default_alt_text,
        },
        "twitter_handle": site_settings.twitter_handle,
        "social_links": site_settings.social_links,
    }


def _page_share_image(page):
    """A page's own picture as shared links show it ({} if it has none)."""
    if not getattr(page, "listing_image_id", None):
        return {}
    rendition = page.listing_image.get_rendition(pictures.SHARE)
    return {
        "url": rendition.url,
        "width": rendition.width,
        "height": rendition.height,
        "alt": page.listing_image_alt_text,
    }


@register.simple_tag(takes_context=True)
def article_picture(context):
    """The picture at the top of a news item or briefing ('' without one)."""
    page = context.get("page")
    if not getattr(page, "listing_image_id", None):
        return ""
    return render_to_string("includes/article_picture.html", {"page": page})


def _json_ld(data):
    # Escape like django.utils.html.json_script so text cannot close the script element.
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)
    return mark_safe(text.translate(_JSON_ESCAPES))


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


# Open Graph names a language with its territory; Latin American Spanish is es_LA.
OG_LOCALES = {"en-gb": "en_GB", "es": "es_LA"}


@register.inclusion_tag("includes/share_links.html", takes_context=True)
def share_links(context):
    """Links that share the page by email and on WhatsApp and the common networks: plain
    addresses of their share pages, with the page's title and address; nothing of theirs is
    loaded until the reader follows one."""
    request, page = context.get("request"), context.get("page")
    if request is None or not isinstance(page, Page):
        return {}
    address = request.build_absolute_uri(page.get_url(request) or request.path)
    title = page.seo_title or page.title
    title_q, address_q = quote(title, safe=""), quote(address, safe="")
    both = quote(f"{title} {address}", safe="")
    links = [
        (
            "email",
            gettext("Email"),
            gettext("Share by email"),
            f"mailto:?subject={title_q}&body={address_q}",
        ),
        ("whatsapp", "WhatsApp", gettext("Share on WhatsApp"), f"https://wa.me/?text={both}"),
        (
            "x",
            "X",
            gettext("Share on X (Twitter)"),
            f"https://x.com/intent/tweet?text={title_q}&url={address_q}",
        ),
        (
            "facebook",
            "Facebook",
            gettext("Share on Facebook"),
            f"https://www.facebook.com/sharer/sharer.php?u={address_q}",
        ),
        (
            "linkedin",
            "LinkedIn",
            gettext("Share on LinkedIn"),
            f"https://www.linkedin.com/sharing/share-offsite/?url={address_q}",
        ),
        (
            "bluesky",
            "Bluesky",
            gettext("Share on Bluesky"),
            f"https://bsky.app/intent/compose?text={both}",
        ),
    ]
    return {
        "address": address,
        "links": [
            {"network": network, "label": label, "name": name, "url": url}
            for network, label, name, url in links
        ],
    }


@register.simple_tag(takes_context=True)
def home_url(context):
    """The home page in the reader's language."""
    request = context.get("request")
    root = site_root(request) if request else None
    return (root.get_url(request) if root else None) or "/"


def _translation_url(page, request, subpath):
    """`page`'s address, at its sub-route `subpath` ('' for the page itself)."""
    url = page.get_url(request)
    return url + subpath if url else url


@register.inclusion_tag("includes/page_meta.html", takes_context=True)
def page_meta(context):
    """Canonical link, description, Open Graph, Twitter card and JSON-LD for the page."""
    request, page = context.get("request"), context.get("page")
    if request is None or not isinstance(page, Page):
        return {}
    share = _share_settings(request)
    # The page's own address, unless its context names another: a list's validated
    # parameters (IndexPage.get_context), a sub-route's address, the page a list duplicates.
    canonical = request.build_absolute_uri(
        context.get("canonical_url") or page.get_url(request) or request.path
    )
    description = getattr(page, "meta_description", None) or page.search_description or ""
    image = _page_share_image(page) or share["image"]
    if image:
        image = {**image, "url": request.build_absolute_uri(image["url"])}
    structured = []
    if hasattr(page, "get_structured_data"):
        structured.append(page.get_structured_data(request, share["social_links"], image))
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
                        "name": pgettext("the home page", "Home")
                        if position == 1
                        else crumb["title"],
                        "item": request.build_absolute_uri(crumb["url"]),
                    }
                    for position, crumb in enumerate(trail, start=1)
                ],
            }
        )
    alternates = []
    # A sub-route's page (a region's news) is at the same sub-route of each translation.
    subpath = context.get("translation_subpath", "")
    translations = (
        page.live_translations() if page.pk and hasattr(page, "live_translations") else []
    )
    # A sub-page's translations are the page's, not this address's, unless the sub-page says
    # where it is in each (the same region's news).
    if len(translations) > 1 and (subpath or not context.get("subpage_trail")):
        alternates = [
            {
                "hreflang": i18n.hreflang(t.locale.language_code),
                "url": request.build_absolute_uri(_translation_url(t, request, subpath)),
            }
            for t in translations
        ]
        # Readers whose language is neither find the English page.
        alternates.append({"hreflang": "x-default", "url": alternates[0]["url"]})
    current = i18n.language_code()
    return {
        "page": page,
        "canonical": canonical,
        "alternates": alternates,
        "og_locale": OG_LOCALES.get(current, current),
        "og_alternate_locales": [
            OG_LOCALES.get(t.locale.language_code)
            for t in translations
            if t.locale.language_code != current and t.locale.language_code in OG_LOCALES
        ],
        "description": Truncator(" ".join(description.split())).chars(300),
        "image": image,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "og_type": "article" if getattr(page, "date", None) else "website",
        "twitter_handle": share["twitter_handle"],
        "structured_data": [_json_ld(data) for data in structured if data],
        # A page served for a combination of parameters it does not index (page_meta.html).
        "robots_noindex": bool(context.get("robots_noindex")),
    }


@register.filter
def hreflang(code):
    """'en-gb' as HTML writes a language: 'en-GB'."""
    return i18n.hreflang(code)


def _home_urls(request):
    """The address of the site's home page in each language it is published in."""
    site = Site.find_for_request(request)
    if site is None:
        return {}
    roots = (
        Page.objects.filter(translation_key=site.root_page.translation_key)
        .live()
        .select_related("locale")
    )
    return {root.locale.language_code: root.get_url(request) for root in roots}


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context, same_address=False):
    """A link to this page in each other language, or, where it has not been translated, to
    that language's home page, saying so. A view that answers at the same address in each
    language (search) asks for `same_address`: its links keep the address and its query."""
    request, page = context.get("request"), context.get("page")
    if request is None:
        return {}
    current = i18n.language_code()
    translations = {}
    if isinstance(page, Page) and page.pk and hasattr(page, "live_translations"):
        subpath = context.get("translation_subpath", "")
        translations = {
            p.locale.language_code: _translation_url(p, request, subpath)
            for p in page.live_translations()
        }
    homes = None
    links = []
    for code, name in settings.LANGUAGES:
        link = {"code": code, "hreflang": i18n.hreflang(code), "name": name}
        if code == current:
            link["current"] = True
        elif code in translations:
            link["url"] = translations[code]
        elif same_address:
            link["url"] = translate_url(request.get_full_path(), code)
        else:
            # Read only where the page has no translation in a language.
            homes = _home_urls(request) if homes is None else homes
            if code in homes:
                # An error page has no page to translate: its note names the home page only.
                link.update(url=homes[code], home=True, untranslated=isinstance(page, Page))
        if link.get("current") or link.get("url"):
            links.append(link)
    return {"links": links if len(links) > 1 else []}
