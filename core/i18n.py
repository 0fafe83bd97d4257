"""The site's two languages: English (the default, unprefixed addresses) and Spanish (/es/).

Wagtail keeps one page tree per language, each page knowing its translations by a shared
`translation_key`; Django's LocaleMiddleware picks the language from the address. What Wagtail
looks up per request (the active locale, a page's translation in it) is kept in the fragment
cache here, so a page costs the same queries in either language.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.shortcuts import redirect
from django.urls import translate_url
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, to_locale

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from core.caching import cached


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, with the language taken from the address alone.

    With unprefixed English (prefix_default_language=False) Django still marks unprefixed
    responses `Vary: Accept-Language`, although their language never depends on it; that would
    make every shared cache keep a copy per browser language. The page's language is in its
    address, so nothing varies."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        if "Accept-Language" in vary:
            del response["Vary"]
            kept = [v for v in vary if v != "Accept-Language"]
            if kept:
                patch_vary_headers(response, kept)
        return response


def language_code() -> str:
    """The active content language, as Wagtail's locales name it ('en-gb' or 'es')."""
    try:
        return get_supported_content_language_variant(get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def locale_ids() -> dict[str, int]:
    """Every locale's id by language code."""
    return cached("locale-ids", lambda: dict(Locale.objects.values_list("language_code", "pk")))


def active_locale_id() -> int | None:
    """The id of the locale readers are reading in, or None if it has no locale yet."""
    return locale_ids().get(language_code())


def locale_languages() -> dict[int, str]:
    """Every locale's language code by id (the same cached lookup as `locale_ids`)."""
    return {pk: code for code, pk in locale_ids().items()}


def locale_language(locale_id: int) -> str:
    """The language code of the locale with this id."""
    return locale_languages().get(locale_id, settings.LANGUAGE_CODE)


def default_locale_id() -> int | None:
    """The id of the default language's locale (English)."""
    return locale_ids().get(settings.LANGUAGE_CODE)


def localized(page: Page) -> Page:
    """`page.localized` (its live translation in the active language, else the page itself)
    from the fragment cache, for any page."""
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return page
    locale_id = active_locale_id()
    if locale_id is None or locale_id == page.locale_id:
        return page
    translation = cached(
        f"translation:{page.translation_key}:{locale_id}",
        lambda: (
            Page.objects.filter(translation_key=page.translation_key, locale_id=locale_id)
            .live()
            .specific()
            .first()
            # None is never cached: False stands for "no translation", so that is kept too.
            or False
        ),
    )
    return translation or page


def in_reader_language(model, objects=None) -> list:
    """`objects` of a translatable snippet model (by default every one in the default language,
    in the model's order), each replaced by its translation in the active language where there
    is one. One cached lookup of the model's rows, whatever the language."""
    by_key = cached(
        f"snippet-translations:{model._meta.label}",
        lambda: {(obj.translation_key, obj.locale_id): obj for obj in model.objects.all()},
    )
    if objects is None:
        objects = [obj for obj in by_key.values() if obj.locale_id == default_locale_id()]
    locale_id = active_locale_id()
    return [by_key.get((obj.translation_key, locale_id), obj) for obj in objects]


class LocalizedMixin:
    """`page.localized` (Wagtail: the live translation in the active language, or the page
    itself) from the fragment cache: Wagtail looks the locale and the translation up each time,
    two queries for every page it localizes, the home page on every request included."""

    @property
    def localized(self):
        return localized(self)

    def live_translations(self) -> list[Page]:
        """This page and its live, public translations, in LANGUAGES order: for the switcher
        and the alternates in the head. Private translations are left out."""
        order = {code: i for i, (code, _) in enumerate(settings.LANGUAGES)}
        pages = cached(
            f"translations:{self.translation_key}",
            lambda: list(
                Page.objects.filter(translation_key=self.translation_key)
                .live()
                .public()
                .select_related("locale")
            ),
        )
        return sorted(pages, key=lambda p: order.get(p.locale.language_code, len(order)))


def hreflang(code: str) -> str:
    """A language code as HTML and sitemaps write it: 'en-gb' becomes 'en-GB'."""
    return to_locale(code).replace("_", "-")


def redirect_to_own_language(page: Page, request: HttpRequest) -> HttpResponse | None:
    """A redirect to the page's own address when it was reached under another language's
    (the `before_serve_page` hook, core/wagtail_hooks.py).

    Wagtail falls back to the English page where a Spanish one is missing, so /es/news/ would
    show the English news list in Spanish chrome, a second address for the same page. None
    when the page is in the language of its address."""
    own_language = locale_language(page.locale_id)
    if own_language == language_code():
        return None
    return redirect(translate_url(request.get_full_path(), own_language))
