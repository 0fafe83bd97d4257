"""Build the site's page tree and the charity's content, in English and, as translations of
it, in Spanish (demo/translations.py). Safe to run again: it only adds what is missing and
never changes a page that already exists."""

import io
import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify

from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from contact.models import ContactPage
from demo import content as demo
from demo import content_es
from demo.content import body_paragraphs
from demo.translations import translate_demo_content
from home.models import HomePage, HomePageFeaturedBriefing, SiteSettings, StandardPage, Theme
from regions.data import load_regions

DEMO_ADMIN_USERNAME = "admin"
# One account per role (see setup_roles), so each can be tried in the editor.
DEMO_ROLE_USERS = [
    ("writer", "Demo", "Writer", "Writers"),
    ("editor", "Demo", "Editor", "Editors"),
    ("secretary", "Demo", "Secretary", "Membership secretary"),
]


def demo_words(pages, slug):
    """The demo's title, summary and paragraphs for the page with this slug (English or
    Spanish STANDARD_PAGES)."""
    if isinstance(pages, dict):
        title, _, summary, paragraphs = pages[slug]
    else:
        title, _, _, summary, paragraphs = next(page for page in pages if page[1] == slug)
    return (title, summary, list(paragraphs))


def page_words(page):
    """A plain page's title, summary and paragraphs, as demo_words gives them, if it is live
    with no draft changes (else None)."""
    if not page.live or page.has_unpublished_changes:
        return None
    paragraphs = [block.value.source for block in page.body if block.block_type == "paragraph"]
    if len(paragraphs) != len(page.body):
        return None
    return (page.title, page.summary, paragraphs)


class Command(BaseCommand):
    help = "Create the demo page tree and the charity's content (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-admin",
            action="store_true",
            help="Do not create the demo accounts 'admin', 'writer', 'editor' and 'secretary' "
            "(they are only ever created with DEBUG on).",
        )
        parser.add_argument(
            "--english-only",
            action="store_true",
            help="Do not add the Spanish translations of the demo content.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        self.created = 0
        home = self.home_page()
        themes = self.themes()
        news_index = self.child(
            home,
            apps.get_model("news", "NewsIndexPage"),
            slug="news",
            title=demo.NEWS_INDEX_TITLE,
            show_in_menus=True,
            intro=demo.NEWS_INDEX_INTRO,
        )
        # Oldest first, as they were published, so same-day items keep the seed order.
        # Peru's regions come with the migrations; made again if a database was emptied.
        region_model = apps.get_model("regions", "Region")
        if not region_model.objects.exists():
            self.created += load_regions(region_model)
        regions = {r.slug: r for r in region_model.objects.all()}
        for title, date, summary, theme_slugs, region_slugs in reversed(demo.NEWS):
            # The summary is the item's whole text: the page shows it as its lede.
            self.child(
                news_index,
                apps.get_model("news", "NewsItemPage"),
                title=title,
                date=date,
                summary=summary,
                themes=[themes[slug] for slug in theme_slugs],
                regions=[regions[slug] for slug in region_slugs],
            )
        briefing_index = self.child(
            home,
            apps.get_model("briefings", "BriefingIndexPage"),
            slug="briefings",
            title=demo.BRIEFINGS_INDEX_TITLE,
            show_in_menus=True,
            intro=demo.BRIEFINGS_INDEX_INTRO,
        )
        briefings = [
            self.child(
                briefing_index,
                apps.get_model("briefings", "BriefingPage"),
                title=title,
                summary=text,
                last_reviewed=demo.BRIEFINGS_REVIEWED,
                themes=[themes[slug] for slug in theme_slugs],
            )
            for title, text, theme_slugs in demo.BRIEFINGS
        ]
        self.peru_update(home, news_index)
        # A contact page an earlier version made as a plain page, untouched since, becomes the
        # contact page type, in the same place in the tree.
        contact_place = self.retire_plain_contact_page(home)
        standard_pages = {
            slug: self.child(
                home,
                ContactPage if slug == demo.CONTACT_SLUG else StandardPage,
                slug=slug,
                title=title,
                show_in_menus=in_menu,
                summary=summary,
                body=demo.standard_page_body(slug, paragraphs),
            )
            for title, slug, in_menu, summary, paragraphs in demo.STANDARD_PAGES
        }
        if contact_place is not None:
            standard_pages[demo.CONTACT_SLUG].move(contact_place, pos="left")
        join_page = self.child(
            home,
            apps.get_model("members", "JoinPage"),
            slug="join",
            title=demo.JOIN_TITLE,
            show_in_menus=True,
            intro=demo.JOIN_INTRO,
            thank_you_text=demo.JOIN_THANKS,
        )
        self.membership_tiers()
        pitch = self.membership_pitch(join_page)
        self.fill_home_page(home, briefings, pitch)
        self.site(home)
        self.membership_settings(home, privacy_page=standard_pages["privacy"])
        self.share_image(home)
        spanish = Locale.objects.filter(language_code="es").first()
        if spanish is not None and not options["english_only"]:
            self.created += translate_demo_content(spanish)
        call_command("setup_roles", verbosity=0)
        self.demo_admin(options["no_admin"])
        self.demo_role_users(options["no_admin"])
        self.stdout.write(self.style.SUCCESS(f"Demo content ready ({self.created} new objects)."))

    def home_page(self):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site and isinstance(site.root_page.specific, HomePage):
            return site.root_page.specific
        home = HomePage.objects.filter(locale=Locale.get_default()).first()
        if home is None:
            home = Page.get_first_root_node().add_child(
                instance=HomePage(title=settings.WAGTAIL_SITE_NAME, slug="home")
            )
            self.created += 1
        return home

    def themes(self):
        themes = {}
        for name, slug in demo.THEMES:
            themes[slug], created = Theme.objects.get_or_create(
                slug=slug, locale=Locale.get_default(), defaults={"name": name}
            )
            self.created += created
        return themes

    def child(self, parent, model, *, title, slug=None, themes=(), regions=(), **fields):
        """The child of `parent` with this slug; created and published if missing. A page an
        editor made there, of another type, is kept."""
        slug = slug or slugify(title)
        existing = Page.objects.child_of(parent).filter(slug=slug).first()
        if existing is not None:
            return existing.specific
        page = model(title=title, slug=slug, **fields)
        parent.add_child(instance=page)
        if themes:
            page.themes.set(themes)
        if regions:
            page.regions.set(regions)
        page.save_revision().publish()
        self.created += 1
        return page

    def peru_update(self, home, news_index):
        """The Peru Update page and its one demo bulletin: the seed's November 2016 news items,
        in the seed's order (newest first), with no number (the seed gives none)."""
        index = self.child(
            home,
            apps.get_model("bulletins", "BulletinIndexPage"),
            slug="peru-update",
            title=demo.BULLETIN_INDEX_TITLE,
            # Reached from every page's footer (its sign-up form): the menu has no room left
            # on a phone in Spanish.
            show_in_menus=False,
            intro=demo.BULLETIN_INDEX_INTRO,
        )
        items = {
            page.slug: page
            for page in apps.get_model("news", "NewsItemPage").objects.child_of(news_index)
        }
        stories = [
            ("story", items[slugify(title)])
            for title, date, *_ in demo.NEWS
            if (date.year, date.month) == (2016, 11) and slugify(title) in items
        ]
        self.child(
            index,
            apps.get_model("bulletins", "BulletinPage"),
            title=demo.BULLETIN_TITLE,
            date=demo.BULLETIN_DATE,
            editorial=body_paragraphs([f"<p>{demo.BULLETIN_EDITORIAL}</p>"]),
            stories=stories,
        )

    def retire_plain_contact_page(self, home):
        """Delete the demo's contact page made as a plain page (before the contact page type
        existed), with its translations, if every copy still has the demo's own words, so that
        it is made again as a ContactPage. Returns the page it stood before, to put the new one
        there. A page an editor has changed is never touched."""
        old = (
            StandardPage.objects.child_of(home)
            .exact_type(StandardPage)
            .filter(slug=demo.CONTACT_SLUG)
            .first()
        )
        if old is None:
            return None
        words = {
            home.locale.language_code: demo_words(demo.STANDARD_PAGES, demo.CONTACT_SLUG),
            "es": demo_words(content_es.STANDARD_PAGES, demo.CONTACT_SLUG),
        }
        copies = list(
            StandardPage.objects.filter(translation_key=old.translation_key).select_related(
                "locale"
            )
        )
        if not all(page_words(page) == words.get(page.locale.language_code) for page in copies):
            self.stderr.write(
                "The contact page was changed by an editor, so it stays a plain page; make a "
                "Contact page for the contact form (see Dashboard → Before you launch)."
            )
            return None
        following = old.get_next_sibling()
        for page in copies:
            page.delete()
        return following

    def membership_tiers(self):
        tier_model = apps.get_model("members", "MembershipTier")
        for name, fee, description, order in demo.MEMBERSHIP_TIERS:
            _, created = tier_model.objects.get_or_create(
                name=name,
                locale=Locale.get_default(),
                defaults={"annual_fee": fee, "description": description, "sort_order": order},
            )
            self.created += created

    def membership_settings(self, home, privacy_page):
        """Link the join form's consent box to the Privacy page, unless a page is chosen."""
        settings_model = apps.get_model("members", "MembershipSettings")
        membership_settings = settings_model.for_site(home.get_site())
        if membership_settings.privacy_page_id is None:
            membership_settings.privacy_page = privacy_page
            membership_settings.save()
            self.created += 1

    def membership_pitch(self, join_page):
        pitch_model = apps.get_model("members", "MembershipPitch")
        pitch = pitch_model.objects.filter(heading=demo.WHY_JOIN_HEADING).first()
        if pitch is not None:
            return pitch
        pitch = pitch_model(
            heading=demo.WHY_JOIN_HEADING, cta_label=demo.WHY_JOIN_CTA, cta_page=join_page
        )
        pitch.reasons.set(
            [
                apps.get_model("members", "MembershipReason")(text=text, sort_order=i)
                for i, text in enumerate(demo.WHY_JOIN)
            ]
        )
        pitch.save()
        pitch.save_revision().publish()
        self.created += 1
        return pitch

    def fill_home_page(self, home, briefings, pitch):
        # Only a home page no editor has touched yet (made by the migration, no revisions).
        if home.latest_revision_id is not None:
            return
        home.title = settings.WAGTAIL_SITE_NAME
        home.aims_heading = demo.AIMS_HEADING
        home.aims = f"<p>{demo.AIMS}</p>"
        home.news_count = 10
        home.body = [{"type": "membership_pitch", "value": pitch.pk, "id": str(uuid.uuid4())}]
        home.featured_briefings.set(
            [HomePageFeaturedBriefing(page=page, sort_order=i) for i, page in enumerate(briefings)]
        )
        home.save_revision().publish()
        self.created += 1

    def site(self, home):
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                root_page=home,
                is_default_site=True,
                site_name=settings.WAGTAIL_SITE_NAME,
            )
            self.created += 1
        elif site.root_page_id != home.pk or not site.site_name:
            site.root_page = home
            site.site_name = site.site_name or settings.WAGTAIL_SITE_NAME
            site.save()

    def share_image(self, home):
        """A plain branded card for shared links, drawn here rather than shipped as a binary."""
        site_settings = SiteSettings.for_site(home.get_site())
        if site_settings.default_share_image_id:
            return
        card = PILImage.new("RGB", (1200, 630), "#a30d1c")
        draw = ImageDraw.Draw(card)
        draw.text(
            (80, 240), settings.WAGTAIL_SITE_NAME, fill="white", font=ImageFont.load_default(84)
        )
        draw.text(
            (80, 360),
            "Human rights, social inclusion and sustainable development in Peru",
            fill="white",
            font=ImageFont.load_default(36),
        )
        buffer = io.BytesIO()
        card.save(buffer, "PNG")
        image = get_image_model()(
            title=f"{settings.WAGTAIL_SITE_NAME} sharing card",
            description=f"{settings.WAGTAIL_SITE_NAME}: human rights, social inclusion and "
            "sustainable development in Peru",
            file=ImageFile(buffer, name="sharing-card.png"),
        )
        image.save()
        site_settings.default_share_image = image
        site_settings.save()
        self.created += 1

    def demo_admin(self, skip):
        password = getattr(settings, "DEMO_ADMIN_PASSWORD", None)
        if skip or not settings.DEBUG or not password:
            return
        user_model = get_user_model()
        if user_model.objects.filter(username=DEMO_ADMIN_USERNAME).exists():
            return
        user_model.objects.create_superuser(DEMO_ADMIN_USERNAME, "admin@localhost", password)
        self.created += 1
        self.stdout.write(
            f"Created the demo editor account '{DEMO_ADMIN_USERNAME}' "
            "(password: DEMO_ADMIN_PASSWORD, see README)."
        )

    def demo_role_users(self, skip):
        """A writer, an editor and a membership secretary, for trying the roles on a demo."""
        password = getattr(settings, "DEMO_ADMIN_PASSWORD", None)
        if skip or not settings.DEBUG or not password:
            return
        user_model = get_user_model()
        for username, first_name, last_name, group_name in DEMO_ROLE_USERS:
            if user_model.objects.filter(username=username).exists():
                continue
            # An address, so that workflow notifications reach them (the console in development).
            user = user_model.objects.create_user(
                username,
                f"{username}@localhost",
                password,
                first_name=first_name,
                last_name=last_name,
            )
            user.groups.add(Group.objects.get(name=group_name))
            self.created += 1
            self.stdout.write(
                f"Created the demo account '{username}' in {group_name} "
                "(password: DEMO_ADMIN_PASSWORD, see README)."
            )
