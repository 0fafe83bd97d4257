"""Editors translate in the admin: the roles may translate (writers without publishing), every
translation of a page gets its source's permissions, and Reports → Translations shows what is
missing, not published, stale or up to date, for a fixed number of queries."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from wagtail.models import GroupPagePermission, Locale, Page, WorkflowPage

import pytest
from wagtail_localize.models import TranslationSource

from home.management.commands import setup_roles
from home.translation_status import (
    MISSING,
    NOT_PUBLISHED,
    STALE,
    UP_TO_DATE,
    TranslationStatus,
)
from members.models import MembershipPitch, MembershipReason
from news.models import NewsIndexPage, NewsItemPage
from tests.conftest import translate
from tests.factories import NewsItemPageFactory, ThemeFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def roles(home_page, news_index, briefing_index):
    call_command("setup_roles", verbosity=0)


def member(group_name, username):
    user = User.objects.create_user(username, f"{username}@example.org", "x" * 16)
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def writer(roles):
    return member(setup_roles.WRITERS, "wendy")


@pytest.fixture
def editor(roles):
    return member(setup_roles.EDITORS, "edmund")


@pytest.fixture
def secretary(roles):
    return member(setup_roles.SECRETARY, "sara")


@pytest.fixture
def item(news_index):
    return NewsItemPageFactory(
        parent=news_index, title="Oil spill in the Marañón", slug="oil-spill"
    )


def submit_page(client, page, locale):
    """wagtail-localize's "Translate this page", into `locale`."""
    url = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
    return client.post(url, {"locales": [locale.pk]})


def submit_snippet(client, obj, locale):
    meta = obj._meta
    url = reverse(
        "wagtail_localize:submit_snippet_translation",
        args=[meta.app_label, meta.model_name, obj.pk],
    )
    return client.post(url, {"locales": [locale.pk]})


def publish_translation(client, page, on_commit):
    """ "Publish" in wagtail-localize's translation editor (it publishes after the commit)."""
    with on_commit(execute=True):
        return client.post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]), {"action": "publish"}
        )


def sync(client, source, on_commit):
    """wagtail-localize's "Sync translated pages", without publishing."""
    with on_commit(execute=True):
        return client.post(reverse("wagtail_localize:update_translations", args=[source.pk]), {})


def refused(response):
    """Wagtail's admin answers a PermissionDenied with a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


def republish(page):
    page = Page.objects.get(pk=page.pk).specific
    page.title = f"{page.title} (updated)"
    page.save_revision().publish()
    return page


def states(locale):
    return {row.title: row for row in TranslationStatus(locale).rows()}


def page_perms(group_name, page):
    return sorted(
        GroupPagePermission.objects.filter(group__name=group_name, page=page).values_list(
            "permission__codename", flat=True
        )
    )


class TestRoles:
    def test_roles_cover_every_translation_of_their_pages(
        self, home_page, news_index, briefing_index, spanish_home, spanish
    ):
        news_es = translate(news_index, spanish, title="Noticias", slug="noticias")
        briefings_es = translate(briefing_index, spanish, title="Informes", slug="informes")
        call_command("setup_roles", verbosity=0)

        for home in (home_page, spanish_home):
            assert page_perms("Editors", home) == sorted(setup_roles.EDITOR_PAGES)
        for index in (news_index, news_es, briefing_index, briefings_es):
            assert page_perms("Writers", index) == sorted(setup_roles.WRITER_PAGES)
            assert WorkflowPage.objects.get(page=index).workflow.name == "Editorial review"
        for name in ("Writers", "Editors"):
            assert (
                Group.objects.get(name=name)
                .permissions.filter(
                    content_type__app_label="wagtail_localize", codename="submit_translation"
                )
                .exists()
            )
        assert (
            not Group.objects.get(name="Membership secretary")
            .permissions.filter(codename="submit_translation")
            .exists()
        )
        # Writers still have no "publish" anywhere.
        assert not GroupPagePermission.objects.filter(
            group__name="Writers", permission__codename="publish_page"
        ).exists()

    def test_a_tree_translated_later_gets_its_sources_permissions(
        self, editor, home_page, news_index, spanish, django_capture_on_commit_callbacks
    ):
        # The Spanish home page did not exist when setup_roles ran.
        assert submit_page(editor, home_page, spanish).status_code == 302
        home_es = home_page.get_translation(spanish)
        assert page_perms("Editors", home_es) == sorted(setup_roles.EDITOR_PAGES)

        assert submit_page(editor, news_index, spanish).status_code == 302
        news_es = news_index.get_translation(spanish)
        assert page_perms("Writers", news_es) == sorted(setup_roles.WRITER_PAGES)
        assert news_es.get_workflow().name == "Editorial review"

        # The editor can open and publish the translation they made.
        assert editor.get(reverse("wagtailadmin_pages:edit", args=[home_es.pk])).status_code == 200
        publish_translation(editor, home_es, django_capture_on_commit_callbacks)
        home_es.refresh_from_db()
        assert home_es.live

        # And setup_roles, run again, keeps them.
        call_command("setup_roles", verbosity=0)
        assert page_perms("Editors", home_es) == sorted(setup_roles.EDITOR_PAGES)

    def test_a_new_translation_is_a_draft_until_published(
        self, editor, item, spanish_home, spanish
    ):
        translate(item.get_parent(), spanish, title="Noticias", slug="noticias")
        submit_page(editor, item, spanish)
        item_es = item.get_translation(spanish)
        # Not live in English words at a Spanish address.
        assert not item_es.live

    def test_writers_translate_but_cannot_publish(
        self,
        writer,
        editor,
        item,
        news_index,
        spanish_home,
        spanish,
        django_capture_on_commit_callbacks,
    ):
        news_es = translate(news_index, spanish, title="Noticias", slug="noticias")
        call_command("setup_roles", verbosity=0)

        response = submit_page(writer, item, spanish)
        item_es = item.get_translation(spanish)
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[item_es.pk])
        assert item_es.get_parent().pk == news_es.pk

        # The translation editor opens, without a Publish action for the writer...
        page = writer.get(reverse("wagtailadmin_pages:edit", args=[item_es.pk]))
        assert page.status_code == 200
        props = page.content.decode()
        assert "&quot;canPublish&quot;: false" in props or '"canPublish": false' in props
        # ...and publishing is refused.
        response = publish_translation(writer, item_es, django_capture_on_commit_callbacks)
        assert refused(response)
        item_es.refresh_from_db()
        assert not item_es.live

        # An editor publishes it.
        publish_translation(editor, item_es, django_capture_on_commit_callbacks)
        item_es.refresh_from_db()
        assert item_es.live

    def test_the_secretary_may_not_translate(
        self, secretary, editor, news_index, spanish_home, spanish
    ):
        assert refused(submit_page(secretary, news_index, spanish))
        assert news_index.get_translation_or_none(spanish) is None
        # Positive control: an editor may.
        assert submit_page(editor, news_index, spanish).status_code == 302
        assert news_index.get_translation_or_none(spanish) is not None

    def test_translate_is_in_a_pages_menu_not_in_every_row_of_a_listing(
        self, editor, item, news_index, spanish_home
    ):
        translate_url = reverse("wagtail_localize:submit_page_translation", args=[item.pk])
        edit = editor.get(reverse("wagtailadmin_pages:edit", args=[item.pk])).content.decode()
        assert translate_url in edit
        listing = editor.get(reverse("wagtailadmin_explore", args=[news_index.pk]))
        assert item.title in listing.content.decode()
        assert translate_url not in listing.content.decode()


class TestSnippets:
    @pytest.fixture
    def pitch(self, home_page):
        pitch = MembershipPitch(heading="Why join the PSG?", cta_label="Become a member")
        pitch.reasons = [
            MembershipReason(text="Support the work of the Peru Support Group"),
            MembershipReason(text="Receive our newsletter"),
        ]
        pitch.save()
        pitch.save_revision().publish()
        return pitch

    def test_the_pitch_has_translate_in_its_menu_and_its_reasons_come_along(
        self, editor, pitch, spanish, django_capture_on_commit_callbacks
    ):
        edit_url = reverse(pitch.snippet_viewset.get_url_name("edit"), args=[pitch.pk])
        translate_url = reverse(
            "wagtail_localize:submit_snippet_translation",
            args=["members", "membershippitch", pitch.pk],
        )
        page = editor.get(edit_url).content.decode()
        assert translate_url in page  # "Translate" in the snippet's menu
        listing = editor.get(reverse(pitch.snippet_viewset.get_url_name("list"))).content.decode()
        assert translate_url in listing

        response = submit_snippet(editor, pitch, spanish)
        pitch_es = MembershipPitch.objects.get(locale=spanish)
        assert response["Location"] == reverse(
            pitch.snippet_viewset.get_url_name("edit"), args=[pitch_es.pk]
        )
        assert not pitch_es.live  # a draft until it is published in Spanish
        assert [r.text for r in pitch_es.reasons.order_by("sort_order")] == [
            "Support the work of the Peru Support Group",
            "Receive our newsletter",
        ]
        assert {r.locale_id for r in pitch_es.reasons.all()} == {spanish.pk}
        source = TranslationSource.objects.get_for_instance(pitch)
        contexts = set(source.stringsegment_set.values_list("context__path", flat=True))
        assert "heading" in contexts and "cta_label" in contexts
        assert len([c for c in contexts if c.startswith("reasons.")]) == 2

        # The translation editor opens, and publishing needs the pitch's publish permission.
        assert (
            editor.get(
                reverse(pitch.snippet_viewset.get_url_name("edit"), args=[pitch_es.pk])
            ).status_code
            == 200
        )
        with django_capture_on_commit_callbacks(execute=True):
            editor.post(
                reverse(pitch.snippet_viewset.get_url_name("edit"), args=[pitch_es.pk]),
                {"action": "publish"},
            )
        pitch_es.refresh_from_db()
        assert pitch_es.live

    def test_settings_hold_no_words_readers_see(self):
        """Site settings and membership settings: names, numbers, addresses, accounts, an
        image and a page, nothing written for readers, so nothing to translate (the privacy
        page they point at is shown in the reader's language)."""
        from django.db import models

        from home.models import SiteSettings
        from members.models import MembershipSettings

        for model in (SiteSettings, MembershipSettings):
            words = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, (models.CharField, models.TextField))
                and not isinstance(field, (models.URLField, models.EmailField))
            ]
            assert set(words) <= {
                "twitter_handle",
                "security_contact",
                # The charity's registered name, numbers, postal address and phone number.
                "legal_name",
                "charity_number",
                "company_number",
                "postal_address",
                "phone",
            }, model
        # The other text fields are an account name and a contact address.
        assert SiteSettings._meta.get_field("twitter_handle").max_length == 16


class TestReport:
    def test_states_of_a_page_through_its_translation(
        self, editor, item, news_index, spanish_home, spanish, django_capture_on_commit_callbacks
    ):
        rows = states(spanish)
        assert rows["Oil spill in the Marañón"].state == MISSING
        # Its parent has no Spanish version: translate that first.
        assert rows["Oil spill in the Marañón"].action_url == ""
        assert rows["Oil spill in the Marañón"].note == "Translate “News” first."
        assert rows["News"].state == MISSING
        assert rows["News"].action_url == (
            reverse("wagtail_localize:submit_page_translation", args=[news_index.pk])
            + "?select_locale=es"
        )
        # The Spanish home page, made outside the translation editor, is up to date.
        assert rows["Peru Support Group"].state == UP_TO_DATE

        submit_page(editor, news_index, spanish)
        publish_translation(
            editor, news_index.get_translation(spanish), django_capture_on_commit_callbacks
        )
        assert states(spanish)["Oil spill in the Marañón"].action_url.endswith("?select_locale=es")

        submit_page(editor, item, spanish)
        item_es = item.get_translation(spanish)
        row = states(spanish)["Oil spill in the Marañón"]
        assert row.state == NOT_PUBLISHED
        assert row.action_url == reverse("wagtailadmin_pages:edit", args=[item_es.pk])

        publish_translation(editor, item_es, django_capture_on_commit_callbacks)
        assert states(spanish)["Oil spill in the Marañón"].state == UP_TO_DATE

        # The English is changed and published: the translation is stale.
        republish(item)
        row = states(spanish)["Oil spill in the Marañón (updated)"]
        source = TranslationSource.objects.get_for_instance(item)
        assert row.state == STALE
        assert row.action_url.startswith(
            reverse("wagtail_localize:update_translations", args=[source.pk])
        )

        # Synced: the new English is in the translation editor, to translate and publish.
        sync(editor, source, django_capture_on_commit_callbacks)
        assert states(spanish)["Oil spill in the Marañón (updated)"].state == NOT_PUBLISHED
        publish_translation(editor, item_es, django_capture_on_commit_callbacks)
        assert states(spanish)["Oil spill in the Marañón (updated)"].state == UP_TO_DATE

    def test_an_alias_counts_as_missing(self, item, news_index, spanish_home, spanish):
        news_index.copy_for_translation(spanish, alias=True)
        rows = states(spanish)
        assert rows["News"].state == MISSING
        assert rows["Oil spill in the Marañón"].note == "Translate “News” first."

    def test_a_translation_made_outside_the_editor_is_stale_when_the_english_is_newer(
        self, item, news_index, spanish_home, spanish
    ):
        translate(news_index, spanish, title="Noticias", slug="noticias")
        item_es = translate(item, spanish, title="Derrame de petróleo", slug="derrame")
        assert states(spanish)["Oil spill in the Marañón"].state == UP_TO_DATE
        republish(item)
        row = states(spanish)["Oil spill in the Marañón (updated)"]
        assert row.state == STALE
        assert row.action_url == reverse("wagtailadmin_pages:edit", args=[item_es.pk])
        assert "without the translation editor" in row.note

    def test_draft_and_unpublished_english_pages_are_left_out(self, item, news_index, spanish_home):
        draft = NewsItemPageFactory(parent=news_index, title="Not yet out", live=False)
        assert draft.title not in states(Locale.objects.get(language_code="es"))
        assert item.title in states(Locale.objects.get(language_code="es"))

    def test_themes_by_content_and_the_pitch_by_publication(
        self, editor, home_page, spanish, django_capture_on_commit_callbacks
    ):
        theme = ThemeFactory(name="Mining and oil", slug="mining-and-oil")
        assert states(spanish)["Mining and oil"].state == MISSING
        assert states(spanish)["Mining and oil"].action_url == (
            reverse(
                "wagtail_localize:submit_snippet_translation",
                args=["home", "theme", theme.pk],
            )
            + "?select_locale=es"
        )
        submit_snippet(editor, theme, spanish)
        assert states(spanish)["Mining and oil"].state == UP_TO_DATE
        theme.name = "Mining, oil and gas"
        theme.save()
        row = states(spanish)["Mining, oil and gas"]
        assert row.state == STALE
        assert "/localize/update/" in row.action_url

        pitch = MembershipPitch(heading="Why join the PSG?", cta_label="Become a member")
        pitch.reasons = [MembershipReason(text="Support the work of the Peru Support Group")]
        pitch.save()
        pitch.save_revision().publish()
        submit_snippet(editor, pitch, spanish)
        assert states(spanish)["Why join the PSG?"].state == NOT_PUBLISHED
        pitch_es = MembershipPitch.objects.get(locale=spanish)
        with django_capture_on_commit_callbacks(execute=True):
            editor.post(
                reverse(pitch.snippet_viewset.get_url_name("edit"), args=[pitch_es.pk]),
                {"action": "publish"},
            )
        assert states(spanish)["Why join the PSG?"].state == UP_TO_DATE
        pitch.refresh_from_db()
        pitch.save_revision().publish()
        assert states(spanish)["Why join the PSG?"].state == STALE
        # Reasons come with their pitch, not as rows of their own.
        assert "Support the work of the Peru Support Group" not in states(spanish)

    def test_the_report_for_editors_only(self, editor, writer, secretary, item, spanish_home):
        url = reverse("translation_status")
        response = editor.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Oil spill in the Marañón" in html
        assert re.search(r"Missing: \d+", html)
        assert escape("Translate: News") in html or "Translate: News" in html
        assert refused(writer.get(url))
        assert refused(secretary.get(url))

        # In the Reports menu for editors (and in place of wagtail-localize's own report).
        dashboard = editor.get(reverse("wagtailadmin_home")).content.decode()
        assert url in dashboard
        assert reverse("wagtail_localize:translations_report") not in dashboard
        assert url not in writer.get(reverse("wagtailadmin_home")).content.decode()

    def test_one_state_at_a_time_and_spreadsheet(self, editor, item, spanish_home):
        html = editor.get(reverse("translation_status") + "?state=up+to+date").content.decode()
        assert "Peru Support Group" in html and "Oil spill in the Marañón" not in html
        html = editor.get(reverse("translation_status") + "?state=nonsense").content.decode()
        assert "Oil spill in the Marañón" in html  # an unknown state shows everything
        csv = editor.get(reverse("translation_status") + "?export=csv")
        body = b"".join(csv.streaming_content).decode() if csv.streaming else csv.content.decode()
        assert "Oil spill in the Marañón" in body and "Missing" in body
        assert editor.get(reverse("translation_status") + "?locale=fr").status_code == 404

    def test_without_a_second_language_the_report_says_so(self, editor):
        Locale.objects.exclude(language_code="en-gb").delete()
        response = editor.get(reverse("translation_status"))
        assert response.status_code == 200
        assert "no language to translate into yet" in response.content.decode()

    def test_a_fixed_number_of_queries_whatever_the_number_of_pages(
        self, editor, news_index, spanish_home, spanish
    ):
        news_es = translate(news_index, spanish, title="Noticias", slug="noticias")
        ThemeFactory(name="Mining and oil", slug="mining-and-oil")
        url = reverse("translation_status")

        def queries_with(total):
            while NewsItemPage.objects.filter(locale=news_index.locale).count() < total:
                item = NewsItemPageFactory(parent=news_index)
                if item.pk % 3 == 0:
                    translate(item, spanish, slug=f"es-{item.slug}")
            editor.get(url)
            with CaptureQueriesContext(connection) as queries:
                html = editor.get(url).content.decode()
            # Every item is listed, on one page.
            assert len(re.findall(r">\s*Factory news item \d+\s*</a>", html)) == total
            return len(queries)

        ten, forty = queries_with(10), queries_with(40)
        assert ten == forty
        assert ten <= 30
        assert news_es.live and NewsIndexPage.objects.count() == 2
