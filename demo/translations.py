"""The Spanish demo content (demo/content_es.py) as translations of the English demo pages and
snippets that `load_demo_content` made.

`load_demo_content` calls `translate_demo_content(Locale.objects.get(language_code="es"))`,
which makes each missing translation with Wagtail's own `copy_for_translation` (so it shares
the English one's translation key), sets the Spanish text and publishes it.

Safe to run again, in the way `load_demo_content` is: a translation that exists is never
changed, so an editor's work on it is kept. Only what is still the demo's English is
translated: a page or snippet an editor has rewritten is left for the editors to translate, and
a page whose parent has no Spanish version cannot have one either.

Snippets (themes, membership tiers, the "Why join?" pitch) are translated too. The Spanish
pages keep their English themes, which readers see under their Spanish names.
"""

import uuid

from django.apps import apps
from django.db import transaction
from django.utils.text import slugify

from wagtail.models import Site

from demo import content as en
from demo import content_es as es
from home.models import HomePage, HomePageFeaturedBriefing, StandardPage, Theme


def translate_demo_content(locale):
    """Translate the English demo content into `locale`; the number of objects made."""
    return DemoTranslation(locale).run()


class DemoTranslation:
    def __init__(self, locale):
        self.locale = locale
        self.created = 0

    @transaction.atomic
    def run(self):
        home = self.english_home()
        if home is None:
            return 0
        if home.locale_id == self.locale.pk:
            raise ValueError(f"The demo content is already in {self.locale}.")
        self.source_locale = home.locale
        self.translate_themes()
        self.translate_membership_tiers()

        # The home page first (every other page is made under it), its text last: it shows the
        # Spanish briefings and pitch, which do not exist yet.
        home_es = home.get_translation_or_none(self.locale)
        new_home = home_es is None and self.is_demo(
            home, aims_heading=en.AIMS_HEADING, aims=f"<p>{en.AIMS}</p>"
        )
        if new_home:
            home_es = home.copy_for_translation(self.locale)
        if home_es is None:
            return self.created

        self.translate_news(home)
        self.translate_peru_update(home)
        briefings = self.translate_briefings(home)
        self.translate_standard_pages(home)
        join_page = self.translate_join_page(home)
        pitch = self.translate_membership_pitch(join_page)
        if new_home:
            # Read again: the pages made under it changed its place in the tree (numchild),
            # which saving the copy made before them would undo.
            self.fill_home_page(HomePage.objects.get(pk=home_es.pk), briefings, pitch)
        return self.created

    # Finding the English demo content.

    def english_home(self):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None or not isinstance(site.root_page.specific, HomePage):
            return None
        return site.root_page.specific

    @staticmethod
    def is_demo(obj, **english):
        """Whether `obj` still has the demo's English text, so the demo's Spanish translates it."""
        return obj is not None and all(getattr(obj, name) == text for name, text in english.items())

    @staticmethod
    def child(parent, model, slug):
        return model.objects.child_of(parent).filter(slug=slug).first()

    # Pages.

    def translate_page(self, source, *, title, slug, **fields):
        """The translation of `source`: made, given these fields and published if missing."""
        existing = source.get_translation_or_none(self.locale)
        if existing is not None:
            return existing.specific
        page = source.copy_for_translation(self.locale)
        page.title = title
        page.slug = slug
        for name, value in fields.items():
            setattr(page, name, value)
        page.save_revision().publish()
        self.created += 1
        return page

    def translated_parent(self, parent):
        return parent.get_translation_or_none(self.locale) if parent is not None else None

    def translate_news(self, home):
        news_model = apps.get_model("news", "NewsIndexPage")
        index = self.child(home, news_model, "news")
        if self.is_demo(index, title=en.NEWS_INDEX_TITLE, intro=en.NEWS_INDEX_INTRO):
            self.translate_page(
                index,
                title=es.NEWS_INDEX_TITLE,
                slug=es.NEWS_INDEX_SLUG,
                intro=es.NEWS_INDEX_INTRO,
            )
        if self.translated_parent(index) is None:
            return
        item_model = apps.get_model("news", "NewsItemPage")
        # Oldest first, as the English were made, so same-day items keep their order.
        for title, date, summary, *_ in reversed(en.NEWS):
            item = self.child(index, item_model, slugify(title))
            if not self.is_demo(item, title=title, date=date, summary=summary):
                continue
            title_es, date_es, summary_es = es.NEWS[slugify(title)]
            self.translate_page(
                item,
                title=title_es,
                slug=slugify(title_es),
                date=date_es,
                summary=summary_es,
            )

    def translate_peru_update(self, home):
        """The Spanish Peru Update page and its demo bulletin, which carries the Spanish news
        items in the English one's order."""
        index_model = apps.get_model("bulletins", "BulletinIndexPage")
        index = self.child(home, index_model, "peru-update")
        if self.is_demo(index, title=en.BULLETIN_INDEX_TITLE, intro=en.BULLETIN_INDEX_INTRO):
            self.translate_page(
                index,
                title=es.BULLETIN_INDEX_TITLE,
                slug=es.BULLETIN_INDEX_SLUG,
                intro=es.BULLETIN_INDEX_INTRO,
            )
        if self.translated_parent(index) is None:
            return
        bulletin_model = apps.get_model("bulletins", "BulletinPage")
        bulletin = self.child(index, bulletin_model, slugify(en.BULLETIN_TITLE))
        if not self.is_demo(bulletin, title=en.BULLETIN_TITLE, number=None):
            return
        stories = [
            ("story", translated)
            for story in bulletin.story_pages
            if (translated := story.get_translation_or_none(self.locale)) is not None
        ]
        self.translate_page(
            bulletin,
            title=es.BULLETIN_TITLE,
            slug=slugify(es.BULLETIN_TITLE),
            editorial=en.body_paragraphs([f"<p>{es.BULLETIN_EDITORIAL}</p>"]),
            stories=stories,
        )

    def translate_briefings(self, home):
        """The Spanish briefings, in the English order, for the home page to feature."""
        index_model = apps.get_model("briefings", "BriefingIndexPage")
        index = self.child(home, index_model, "briefings")
        if self.is_demo(index, title=en.BRIEFINGS_INDEX_TITLE, intro=en.BRIEFINGS_INDEX_INTRO):
            self.translate_page(
                index,
                title=es.BRIEFINGS_INDEX_TITLE,
                slug=es.BRIEFINGS_INDEX_SLUG,
                intro=es.BRIEFINGS_INDEX_INTRO,
            )
        if self.translated_parent(index) is None:
            return {}
        briefing_model = apps.get_model("briefings", "BriefingPage")
        briefings = {}
        for title, text, _ in en.BRIEFINGS:
            briefing = self.child(index, briefing_model, slugify(title))
            if not self.is_demo(briefing, title=title, summary=text):
                continue
            title_es, text_es = es.BRIEFINGS[slugify(title)]
            briefings[briefing.pk] = self.translate_page(
                briefing,
                title=title_es,
                slug=slugify(title_es),
                summary=text_es,
            )
        return briefings

    def translate_standard_pages(self, home):
        for title, slug, _, summary, _ in en.STANDARD_PAGES:
            page = self.child(home, StandardPage, slug)
            if not self.is_demo(page, title=title, summary=summary):
                continue
            title_es, slug_es, summary_es, paragraphs_es = es.STANDARD_PAGES[slug]
            self.translate_page(
                page,
                title=title_es,
                slug=slug_es,
                summary=summary_es,
                body=en.standard_page_body(slug, paragraphs_es),
            )

    def translate_join_page(self, home):
        join_page = self.child(home, apps.get_model("members", "JoinPage"), "join")
        if self.is_demo(
            join_page, title=en.JOIN_TITLE, intro=en.JOIN_INTRO, thank_you_text=en.JOIN_THANKS
        ):
            self.translate_page(
                join_page,
                title=es.JOIN_TITLE,
                slug=es.JOIN_SLUG,
                intro=es.JOIN_INTRO,
                thank_you_text=es.JOIN_THANKS,
            )
        return self.translated_parent(join_page)

    def fill_home_page(self, home, briefings, pitch):
        """The new Spanish home page: the aims, the Spanish briefings and pitch; published."""
        home.aims_heading = es.AIMS_HEADING
        home.aims = f"<p>{es.AIMS}</p>"
        # The copy features the English briefings: the same ones in Spanish, in the same order.
        featured = [
            briefings[item.page_id]
            for item in home.featured_briefings.order_by("sort_order")
            if item.page_id in briefings
        ]
        home.featured_briefings.set(
            [HomePageFeaturedBriefing(page=page, sort_order=i) for i, page in enumerate(featured)]
        )
        home.body = (
            [{"type": "membership_pitch", "value": pitch.pk, "id": str(uuid.uuid4())}]
            if pitch is not None
            else []
        )
        home.save_revision().publish()
        self.created += 1

    # Snippets, once their models are translatable.

    def translate_snippet(self, source, **fields):
        """The translation of a snippet: made and given these fields if missing (unsaved)."""
        existing = source.get_translation_or_none(self.locale)
        if existing is not None:
            return existing, False
        snippet = source.copy_for_translation(self.locale)
        for name, value in fields.items():
            setattr(snippet, name, value)
        self.created += 1
        return snippet, True

    def translate_themes(self):
        """The Spanish names of the themes. Pages keep their source's (English) themes, which
        readers see in their own language (home.models.localize_themes)."""
        for name, slug in en.THEMES:
            name_es = es.THEMES[slug]
            theme = Theme.objects.filter(locale=self.source_locale, slug=slug).first()
            if not self.is_demo(theme, name=name):
                continue
            # The slug stays the English one in every language (the theme filter's ?theme=).
            theme_es, new = self.translate_snippet(theme, name=name_es)
            if new:
                theme_es.save()

    def translate_membership_tiers(self):
        tier_model = apps.get_model("members", "MembershipTier")
        for name, _, description, _ in en.MEMBERSHIP_TIERS:
            tier = tier_model.objects.filter(locale=self.source_locale, name=name).first()
            if not self.is_demo(tier, description=description):
                continue
            name_es, description_es = es.MEMBERSHIP_TIERS[name]
            tier_es, new = self.translate_snippet(tier, name=name_es, description=description_es)
            if new:
                tier_es.save()

    def translate_membership_pitch(self, join_page):
        """The Spanish 'Why join?' pitch, its button to the Spanish join page; published."""
        pitch_model = apps.get_model("members", "MembershipPitch")
        pitch = pitch_model.objects.filter(
            locale=self.source_locale, heading=en.WHY_JOIN_HEADING
        ).first()
        if pitch is None:
            return None
        reasons = [reason.text for reason in pitch.reasons.order_by("sort_order")]
        if not self.is_demo(pitch, cta_label=en.WHY_JOIN_CTA) or reasons != en.WHY_JOIN:
            return pitch.get_translation_or_none(self.locale)
        pitch_es, new = self.translate_snippet(
            pitch, heading=es.WHY_JOIN_HEADING, cta_label=es.WHY_JOIN_CTA, cta_page=join_page
        )
        if new:
            for reason, text in zip(
                pitch_es.reasons.order_by("sort_order"), es.WHY_JOIN, strict=True
            ):
                reason.text = text
            pitch_es.save()
            pitch_es.save_revision().publish()
        return pitch_es
