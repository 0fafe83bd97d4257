"""The site's two languages: English (the default, unprefixed addresses) and Spanish (/es/).

Wagtail keeps one page tree per language, each page knowing its translations by a shared
`translation_key`; Django's LocaleMiddleware picks the language from the address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import translate_url
from django.utils.translation import get_language, get_language_from_path, to_locale

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site


def language_code() -> str:
    """The active content language, as Wagtail's locales name it ('en-gb' or 'es')."""
    try:
        return get_supported_content_language_variant(get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def locale_ids() -> dict[str, int]:
    """Every locale's id by language code (one query)."""
    return dict(Locale.objects.values_list("language_code", "pk"))


def locale_languages() -> dict[int, str]:
    """Every locale's language code by id (one query)."""
    return {pk: code for code, pk in locale_ids().items()}


def locale_language(locale_id: int) -> str:
    """The language code of the locale with this id."""
    return locale_languages().get(locale_id, settings.LANGUAGE_CODE)


def default_locale_id() -> int | None:
    """The id of the default language's locale (English)."""
    return locale_ids().get(settings.LANGUAGE_CODE)


def in_reader_language(model, objects=None) -> list:
    """`objects` of a translatable snippet model in the default language (by default every
    one, in the model's order), each replaced by its translation in the active language where
    there is one: one query in all, none for given objects read in the default language."""
    default, reader = settings.LANGUAGE_CODE, language_code()
    if objects is None:
        both = model.objects.filter(locale__language_code__in={default, reader})
        objects = list(both.select_related("locale"))
        translations = [obj for obj in objects if obj.locale.language_code != default]
        objects = [obj for obj in objects if obj.locale.language_code == default]
    else:
        objects = list(objects)
        if not objects or reader == default:
            return objects
        translations = model.objects.filter(
            locale__language_code=reader,
            translation_key__in=[obj.translation_key for obj in objects],
        )
    by_key = {obj.translation_key: obj for obj in translations}
    return [by_key.get(obj.translation_key, obj) for obj in objects]


def hreflang(code: str) -> str:
    """A language code as HTML and sitemaps write it: 'en-gb' becomes 'en-GB'."""
    return to_locale(code).replace("_", "-")


def redirect_to_own_language(page: Page, request: HttpRequest) -> HttpResponse | None:
    """A redirect to the page's own address when it was reached under another language's
    (the `before_serve_page` hook, core/wagtail_hooks.py).

    Wagtail falls back to the English page where a Spanish one is missing, so /es/news/ would
    show the English news list in Spanish chrome, a second address for the same page. None
    when the page is in the language of its address."""
    site = Site.find_for_request(request)  # Wagtail's serve keeps it on the request
    if site is not None and (
        # Routed from a translation of the site's home page: in the address's language.
        page.locale_id != site.root_page.locale_id
        # An unprefixed address is the default language's, the home page's own.
        or not get_language_from_path(request.path_info)
    ):
        return None
    own_language = locale_language(page.locale_id)
    if own_language == language_code():
        return None
    return redirect(translate_url(request.get_full_path(), own_language))
