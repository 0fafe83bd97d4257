"""The editorial roles (setup_roles) and the "Editorial review" workflow, through the admin.

A writer drafts and submits but cannot publish; an editor approves (which publishes) or asks
for changes with a comment; each side is emailed; each group sees only its part of the admin.
"""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from wagtail.models import (
    GroupPagePermission,
    Page,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
)

import pytest

from contact.models import ContactMessage
from demo.management.commands.load_demo_content import DEMO_ROLE_USERS
from home.management.commands import setup_roles
from members.models import MembershipApplication, MembershipPitch, MembershipTier
from news.models import NewsItemPage
from tests.factories import BriefingPageFactory, NewsItemPageFactory, ThemeFactory
from tests.test_pages import body_data, form_data, news_item_data

User = get_user_model()
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def roles(home_page, news_index, briefing_index):
    call_command("setup_roles", verbosity=0)


def member(group_name, username):
    user = User.objects.create_user(
        username, f"{username}@example.org", PASSWORD, first_name=username.title()
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def writer(roles):
    return member(setup_roles.WRITERS, "wendy")


@pytest.fixture
def editor(roles):
    return member(setup_roles.EDITORS, "edmund")


@pytest.fixture
def secretary(roles):
    return member(setup_roles.SECRETARY, "sara")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def group_permissions(name):
    group = Group.objects.get(name=name)
    return (
        sorted(group.permissions.values_list("content_type__app_label", "codename")),
        sorted(
            GroupPagePermission.objects.filter(group=group).values_list(
                "page__slug", "permission__codename"
            )
        ),
        sorted(group.collection_permissions.values_list("collection_id", "permission__codename")),
    )


def everything():
    return {
        name: group_permissions(name)
        for name in Group.objects.order_by("name").values_list("name", flat=True)
    }


def create_news_item(client, parent, action, **fields):
    url = reverse("wagtailadmin_pages:add", args=("news", "newsitempage", parent.pk))
    data = form_data(news_item_data(**fields))
    if action:
        data[action] = "1"
    return client.post(url, data)


def edit_news_item(client, page, action, **fields):
    url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    data = form_data(news_item_data(slug=page.slug, **fields))
    data[action] = "1"
    return client.post(url, data)


def workflow_action(client, page, action, comment=""):
    task_state = TaskState.objects.get(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    )
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, action, task_state.pk))
    return client.post(url, {"comment": comment})


class TestSetupRoles:
    def test_creates_the_groups_with_their_permissions(self, roles, home_page):
        perms = everything()
        models, pages, media = perms["Writers"]
        assert models == [
            ("wagtail_localize", "submit_translation"),
            ("wagtailadmin", "access_admin"),
        ]
        assert pages == [
            ("briefings", "add_page"),
            ("briefings", "change_page"),
            ("news", "add_page"),
            ("news", "change_page"),
        ]
        assert {codename for _, codename in media} == set(setup_roles.WRITER_MEDIA)

        models, pages, media = perms["Editors"]
        assert ("home", "change_theme") in models
        assert ("members", "publish_membershippitch") in models
        assert ("members", "change_membershiptier") in models
        assert ("wagtailsearchpromotions", "add_searchpromotion") in models
        assert not [m for m in models if "membershipapplication" in m[1]]
        assert pages == sorted((home_page.slug, c) for c in setup_roles.EDITOR_PAGES)
        assert "publish_page" not in {codename for _, codename in perms["Writers"][1]}
        assert {codename for _, codename in media} == set(setup_roles.EDITOR_MEDIA)

        models, pages, media = perms["Membership secretary"]
        assert models == [
            ("bulletins", "add_subscriber"),
            ("bulletins", "add_suppression"),
            ("bulletins", "change_subscriber"),
            ("bulletins", "delete_subscriber"),
            ("bulletins", "view_subscriber"),
            ("bulletins", "view_suppression"),
            ("members", "change_membershipapplication"),
            ("members", "view_membershipapplication"),
            ("wagtailadmin", "access_admin"),
        ]
        assert pages == [] and media == []

    def test_creates_the_workflow_on_news_and_briefings(self, roles, news_index, briefing_index):
        workflow = Workflow.objects.get(name="Editorial review")
        assert workflow.active
        [task] = workflow.tasks.specific()
        assert list(task.groups.values_list("name", flat=True)) == ["Editors"]
        assert set(
            WorkflowPage.objects.filter(workflow=workflow).values_list("page", flat=True)
        ) == {
            news_index.pk,
            briefing_index.pk,
        }
        item = NewsItemPageFactory(parent=news_index)
        assert item.get_workflow() == workflow

    def test_is_idempotent_and_undoes_drift(self, roles):
        before = everything()
        workflows = list(Workflow.objects.values_list("pk", "name"))
        call_command("setup_roles", verbosity=0)
        assert everything() == before
        assert list(Workflow.objects.values_list("pk", "name")) == workflows

        writers = Group.objects.get(name="Writers")
        writers.permissions.add(Permission.objects.get(codename="change_theme"))
        GroupPagePermission.objects.create(
            group=writers,
            page=Page.objects.get(depth=2),
            permission=Permission.objects.get(codename="publish_page"),
        )
        call_command("setup_roles", verbosity=0)
        assert everything() == before

    def test_leaves_other_groups_and_members_alone(self, roles, writer):
        moderators = group_permissions("Moderators")
        call_command("setup_roles", verbosity=0)
        assert group_permissions("Moderators") == moderators
        assert list(writer.groups.values_list("name", flat=True)) == ["Writers"]

    def test_without_a_tree_it_still_makes_the_groups(self, db):
        Page.objects.filter(depth__gt=1).delete()
        call_command("setup_roles", verbosity=0)
        assert set(Group.objects.values_list("name", flat=True)) >= {
            "Writers",
            "Editors",
            "Membership secretary",
        }


@pytest.mark.slow
class TestDemoAccounts:
    def test_load_demo_content_sets_up_roles(self, db):
        call_command("load_demo_content", verbosity=0)
        assert Workflow.objects.filter(name="Editorial review").exists()
        assert not User.objects.filter(username__in=["writer", "editor", "secretary"]).exists()

    def test_demo_role_accounts_only_with_debug(self, db, settings):
        settings.DEBUG = True
        settings.DEMO_ADMIN_PASSWORD = "changeme"
        call_command("load_demo_content", verbosity=0)
        call_command("load_demo_content", verbosity=0)
        for username, *_, group_name in DEMO_ROLE_USERS:
            user = User.objects.get(username=username)
            assert list(user.groups.values_list("name", flat=True)) == [group_name]
            assert user.check_password("changeme")
            assert user.email == f"{username}@localhost"  # notifications need an address
            assert not user.is_superuser

    def test_no_admin_flag_skips_the_role_accounts(self, db, settings):
        settings.DEBUG = True
        settings.DEMO_ADMIN_PASSWORD = "changeme"
        call_command("load_demo_content", "--no-admin", verbosity=0)
        assert not User.objects.exists()
        call_command("load_demo_content", verbosity=0)  # without the flag they are made
        assert (
            User.objects.filter(username__in=["admin", "writer", "editor", "secretary"]).count()
            == 4
        )


class TestWriter:
    def test_drafts_and_submits_for_review_and_editors_are_told(
        self, writer, editor, news_index, mailoutbox
    ):
        client = logged_in(writer)
        response = create_news_item(client, news_index, "action-submit")
        assert response.status_code == 302
        item = NewsItemPage.objects.get(slug="mercury-poisoning")
        assert not item.live
        assert item.workflow_in_progress
        assert item.current_workflow_state.workflow.name == "Editorial review"
        [message] = [m for m in mailoutbox if editor.email in m.to]
        assert "Mercury poisoning in Madre de Dios" in message.subject
        assert f"/admin/pages/{item.pk}/" in message.body
        assert not [m for m in mailoutbox if writer.email in m.to]

    def test_cannot_publish(self, writer, news_index):
        client = logged_in(writer)
        create_news_item(client, news_index, "action-publish")
        item = NewsItemPage.objects.get(slug="mercury-poisoning")
        assert not item.live and item.live_revision is None
        html = client.get(reverse("wagtailadmin_pages:edit", args=(item.pk,))).content.decode()
        assert 'name="action-submit"' in html
        assert 'name="action-publish"' not in html
        edit_news_item(client, item, "action-publish", title="Now live?")
        item.refresh_from_db()
        assert not item.live

    def test_cannot_approve_their_own_submission(self, writer, news_index):
        client = logged_in(writer)
        create_news_item(client, news_index, "action-submit")
        item = NewsItemPage.objects.get(slug="mercury-poisoning")
        response = workflow_action(client, item, "approve")
        assert response.status_code in (302, 403)  # Wagtail's "no permission" redirect
        item.refresh_from_db()
        assert not item.live

    def test_edits_and_submits_briefings(self, writer, briefing_index):
        briefing = BriefingPageFactory(parent=briefing_index)
        assert briefing.permissions_for_user(writer).can_edit()
        assert not briefing.permissions_for_user(writer).can_publish()
        assert briefing.get_workflow().name == "Editorial review"


class TestEditor:
    @pytest.fixture
    def submitted(self, writer, news_index):
        create_news_item(logged_in(writer), news_index, "action-submit")
        return NewsItemPage.objects.get(slug="mercury-poisoning")

    def test_sees_the_item_awaiting_review_on_the_dashboard(self, editor, writer, submitted):
        html = logged_in(editor).get(reverse("wagtailadmin_home")).content.decode()
        assert "Awaiting your review" in html
        assert submitted.title in html
        writer_home = logged_in(writer).get(reverse("wagtailadmin_home")).content.decode()
        assert "Awaiting your review" not in writer_home

    def test_approves_and_it_goes_live_and_the_writer_is_told(
        self, editor, writer, submitted, mailoutbox, client
    ):
        mailoutbox.clear()
        workflow_action(logged_in(editor), submitted, "approve")
        submitted.refresh_from_db()
        assert submitted.live
        assert submitted.current_workflow_state is None
        [message] = [m for m in mailoutbox if writer.email in m.to]
        assert "approved" in message.subject.lower()
        assert submitted.title in client.get("/news/").content.decode()

    def test_requests_changes_with_a_comment_that_reaches_the_writer(
        self, editor, writer, submitted, mailoutbox
    ):
        mailoutbox.clear()
        workflow_action(
            logged_in(editor), submitted, "reject", comment="Please name the source of the study."
        )
        submitted.refresh_from_db()
        assert not submitted.live
        state = WorkflowState.objects.get(object_id=str(submitted.pk))
        assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
        [message] = [m for m in mailoutbox if writer.email in m.to]
        assert "rejected" in message.subject.lower() or "changes" in message.subject.lower()
        assert "Please name the source of the study." in message.body

        # The writer sees the request in the editor, changes the item and resubmits.
        writer_client = logged_in(writer)
        edit_html = writer_client.get(
            reverse("wagtailadmin_pages:edit", args=(submitted.pk,))
        ).content.decode()
        assert "Changes requested" in edit_html
        edit_news_item(writer_client, submitted, "action-submit", summary="From a 2016 study.")
        state.refresh_from_db()
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        workflow_action(logged_in(editor), submitted, "approve")
        submitted.refresh_from_db()
        assert submitted.live and submitted.summary == "From a 2016 study."

    def test_publishes_directly_without_review(self, editor, news_index):
        create_news_item(logged_in(editor), news_index, "action-publish")
        assert NewsItemPage.objects.get(slug="mercury-poisoning").live


def admin_paths(home_page, news_index):
    application = MembershipApplication.objects.create(
        full_name="Ann", email="ann@example.org", country="UK", tier=MembershipTier.objects.get()
    )
    pitch = MembershipPitch.objects.create(heading="Why join?")
    message = ContactMessage.objects.create(name="Rosa", email="rosa@example.org", message="Hi")
    return {
        "explore news": reverse("wagtailadmin_explore", args=(news_index.pk,)),
        "add news item": reverse(
            "wagtailadmin_pages:add", args=("news", "newsitempage", news_index.pk)
        ),
        "news listing": "/admin/news_items/",
        "edit home page": reverse("wagtailadmin_pages:edit", args=(home_page.pk,)),
        "add standard page": reverse(
            "wagtailadmin_pages:add", args=("home", "standardpage", home_page.pk)
        ),
        "themes": reverse("wagtailsnippets_home_theme:list"),
        "add theme": reverse("wagtailsnippets_home_theme:add"),
        "edit pitch": reverse("wagtailsnippets_members_membershippitch:edit", args=(pitch.pk,)),
        "tiers": reverse("wagtailsnippets_members_membershiptier:list"),
        "promoted results": reverse("wagtailsearchpromotions:index"),
        "images": reverse("wagtailimages:index"),
        "documents": reverse("wagtaildocs:index"),
        "applications": "/admin/members/membershipapplication/",
        "export applications": "/admin/members/membershipapplication/?export=csv",
        "inspect application": f"/admin/members/membershipapplication/inspect/{application.pk}/",
        "contact messages": reverse("wagtailsnippets_contact_contactmessage:list"),
        "inspect contact message": reverse(
            "wagtailsnippets_contact_contactmessage:inspect", args=(message.pk,)
        ),
        "edit contact message": reverse(
            "wagtailsnippets_contact_contactmessage:edit", args=(message.pk,)
        ),
        "site settings": reverse("wagtailsettings:edit", args=("home", "sitesettings")),
        "users": reverse("wagtailusers_users:index"),
        "groups": reverse("wagtailusers_groups:index"),
        "workflows": reverse("wagtailadmin_workflows:index"),
    }


ALLOWED = {
    "Writers": {"explore news", "add news item", "news listing", "images", "documents"},
    "Editors": {
        "explore news",
        "add news item",
        "news listing",
        "edit home page",
        "add standard page",
        "themes",
        "add theme",
        "edit pitch",
        "tiers",
        "promoted results",
        "images",
        "documents",
        "contact messages",
        "inspect contact message",
    },
    "Membership secretary": {"applications", "export applications", "inspect application"},
}


@pytest.mark.parametrize("group_name", list(ALLOWED))
def test_each_group_reaches_only_its_part_of_the_admin(group_name, roles, home_page, news_index):
    MembershipTier.objects.create(name="Individual", annual_fee=25)
    paths = admin_paths(home_page, news_index)
    client = logged_in(member(group_name, "someone"))
    reached = set()
    for name, path in paths.items():
        response = client.get(path)
        if response.status_code == 200:
            reached.add(name)
        else:
            # Turned away: a redirect to the dashboard or a 403, never the content.
            assert response.status_code in (302, 403), (name, response.status_code)
            assert "/login/" not in response.get("Location", "")
    assert reached == ALLOWED[group_name]


@pytest.mark.parametrize(
    ("group_name", "expected", "absent"),
    [
        ("Writers", {"Pages", "News items", "Images", "Documents"}, {"Snippets", "Applications"}),
        (
            "Editors",
            {"Pages", "News items", "Snippets", "Why join?", "Promoted search results", "Messages"},
            {"Applications", "Users", "Groups"},
        ),
        (
            "Membership secretary",
            {"Applications"},
            {"Pages", "News items", "Images", "Snippets", "Messages"},
        ),
    ],
)
def test_menus_show_each_group_only_its_items(group_name, expected, absent, roles):
    html = logged_in(member(group_name, "someone")).get("/admin/").content.decode()
    labels = set(re.findall(r'"label": "([^"]+)"', html))
    assert expected <= labels
    assert not absent & labels


def test_writers_choose_themes_but_cannot_change_them(writer, news_index):
    theme = ThemeFactory(name="Mining")
    client = logged_in(writer)
    create_news_item(client, news_index, None)  # a draft
    item = NewsItemPage.objects.get(slug="mercury-poisoning")
    data = form_data(news_item_data(slug=item.slug, body=body_data()), [theme])
    data["action-submit"] = "1"
    client.post(reverse("wagtailadmin_pages:edit", args=(item.pk,)), data)
    item.refresh_from_db()
    assert list(item.get_latest_revision_as_object().themes.all()) == [theme]
    response = client.post(reverse("wagtailsnippets_home_theme:add"), {"name": "X", "slug": "x"})
    assert response.status_code in (302, 403)
    assert not type(theme).objects.filter(slug="x").exists()
