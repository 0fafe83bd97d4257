"""A Spanish page an editor made private stays private through every way wagtail-localize brings
the English into it: "Sync translated pages" (with or without publishing) and "Publish" in the
translation editor. Only the page's own privacy dialog makes it public again."""

from django.contrib.auth.models import Group
from django.db.models.signals import post_delete, pre_delete
from django.urls import reverse

from wagtail.models import Page, PageViewRestriction

import pytest
from wagtail_localize.models import TranslationSource

from home import translation_privacy
from tests.factories import NewsItemPageFactory

pytestmark = pytest.mark.django_db


def submit(client, page, locale):
    """wagtail-localize's "Translate this page", into `locale`."""
    url = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
    assert client.post(url, {"locales": [locale.pk]}).status_code == 302
    return page.get_translation(locale)


def publish_in_translation_editor(client, translation, on_commit):
    with on_commit(execute=True):
        url = reverse("wagtailadmin_pages:edit", args=[translation.pk])
        assert client.post(url, {"action": "publish"}).status_code == 302


def set_privacy(client, page, **form):
    """Wagtail's privacy dialog on `page`."""
    url = reverse("wagtailadmin_pages:set_privacy", args=[page.pk])
    assert client.post(url, form).status_code == 200


@pytest.fixture
def story(admin_client, news_index, spanish_home, spanish, django_capture_on_commit_callbacks):
    """An English story and its Spanish translation, both live, made in the translation editor;
    then the Spanish page alone is given a password."""
    english = NewsItemPageFactory(parent=news_index, title="Oil spill", slug="oil-spill")
    on_commit = django_capture_on_commit_callbacks
    publish_in_translation_editor(
        admin_client, submit(admin_client, news_index, spanish), on_commit
    )
    spanish_page = submit(admin_client, english, spanish)
    spanish_page.save_revision().publish()
    set_privacy(admin_client, spanish_page, restriction_type="password", password="secreto")
    return english, Page.objects.get(pk=spanish_page.pk)


def sync_with_publishing(client, english, spanish_page, on_commit):
    url = reverse("wagtail_localize:update_translations", args=[source(english).pk])
    with on_commit(execute=True):
        assert client.post(url, {"publish_translations": "on"}).status_code == 302


def sync_without_publishing(client, english, spanish_page, on_commit):
    url = reverse("wagtail_localize:update_translations", args=[source(english).pk])
    with on_commit(execute=True):
        assert client.post(url, {}).status_code == 302


def sync_then_publish_in_the_translation_editor(client, english, spanish_page, on_commit):
    sync_without_publishing(client, english, spanish_page, on_commit)
    publish_in_translation_editor(client, spanish_page, on_commit)


def source(page):
    return TranslationSource.objects.get_for_instance(page)


def update_the_english(english):
    english = Page.objects.get(pk=english.pk).specific
    english.title = "Oil spill: an update"
    english.save_revision().publish()


def reader_sees(client, page):
    response = client.get(Page.objects.get(pk=page.pk).url)
    html = response.content.decode()
    if 'name="password"' in html and "/_util/authenticate_with_password/" in html:
        return "password form"
    return "story" if response.status_code == 200 and "Oil spill" in html else response


SYNCS = [
    sync_with_publishing,
    sync_without_publishing,
    sync_then_publish_in_the_translation_editor,
]


@pytest.mark.parametrize("bring_in_the_english", SYNCS)
def test_a_translations_own_privacy_survives(
    story, admin_client, client, bring_in_the_english, django_capture_on_commit_callbacks
):
    english, spanish_page = story
    restriction = PageViewRestriction.objects.get(page=spanish_page)
    assert reader_sees(client, spanish_page) == "password form"

    update_the_english(english)
    bring_in_the_english(admin_client, english, spanish_page, django_capture_on_commit_callbacks)

    kept = PageViewRestriction.objects.get(page=spanish_page)
    assert (kept.pk, kept.restriction_type, kept.password) == (
        restriction.pk,
        "password",
        "secreto",
    )
    assert reader_sees(client, spanish_page) == "password form"
    assert reader_sees(client, english) == "story"  # the English stays public
    if bring_in_the_english is not sync_without_publishing:
        assert Page.objects.get(pk=spanish_page.pk).title == "Oil spill: an update"


def test_a_group_restriction_keeps_its_groups(
    story, admin_client, client, django_capture_on_commit_callbacks
):
    english, spanish_page = story
    editors = Group.objects.create(name="Trustees")
    set_privacy(admin_client, spanish_page, restriction_type="groups", groups=[editors.pk])
    update_the_english(english)
    sync_with_publishing(admin_client, english, spanish_page, django_capture_on_commit_callbacks)
    kept = PageViewRestriction.objects.get(page=spanish_page)
    assert (kept.restriction_type, list(kept.groups.all())) == ("groups", [editors])
    assert client.get(spanish_page.url).status_code == 302  # to the sign-in page


@pytest.mark.parametrize("bring_in_the_english", SYNCS)
def test_without_the_fix_wagtail_localize_makes_the_page_public(
    story, admin_client, client, bring_in_the_english, django_capture_on_commit_callbacks
):
    """The positive control: wagtail-localize alone deletes the Spanish page's privacy."""
    english, spanish_page = story
    update_the_english(english)
    pre_delete.disconnect(sender=PageViewRestriction, dispatch_uid="home.keep_privacy")
    post_delete.disconnect(sender=PageViewRestriction, dispatch_uid="home.keep_privacy")
    try:
        bring_in_the_english(
            admin_client, english, spanish_page, django_capture_on_commit_callbacks
        )
    finally:
        translation_privacy.connect()
    assert not PageViewRestriction.objects.filter(page=spanish_page).exists()
    assert reader_sees(client, spanish_page) == "story"


def test_an_editor_still_makes_a_translation_public_in_its_privacy_dialog(
    story, admin_client, client
):
    _english, spanish_page = story
    set_privacy(admin_client, spanish_page, restriction_type="none")
    assert not PageViewRestriction.objects.filter(page=spanish_page).exists()
    assert reader_sees(client, spanish_page) == "story"


def test_deleting_a_private_translation_deletes_its_privacy(story):
    _english, spanish_page = story
    spanish_page.delete()
    assert not PageViewRestriction.objects.exists()
