"""The admin as the charity's editors meet it: its name, the Help menu opening the site's own
guide, the page explorer opening on the home page of the editor's language, and a Promote tab
that speaks of this site."""

import json
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from wagtail.models import GroupPagePermission, Page
from wagtail.users.models import UserProfile

import pytest

from home.guide import GUIDE, guide_picture, render_markdown
from tests.factories import NewsItemPageFactory
from tests.test_roles_workflow import (  # noqa: F401 (fixtures)
    editor,
    logged_in,
    member,
    roles,
    secretary,
    writer,
)

SITE_NAME = settings.WAGTAIL_SITE_NAME


def sidebar_menu(html):
    """The admin sidebar's main menu items, {name: (type, arguments)}, submenus' items too."""
    props = json.loads(re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html)[1])
    menu = next(m for m in props["modules"] if m["_type"].endswith("MainMenuModule"))
    items = {}

    def walk(entries):
        for entry in entries:
            name = entry["_args"][0]["name"]
            items[name if isinstance(name, str) else name["_val"]] = entry
            if entry["_type"].endswith("SubMenuItem"):
                walk(entry["_args"][1])

    walk(menu["_args"][0])
    return items


class TestBranding:
    def test_the_admin_carries_the_charitys_name_and_mark(self, admin_client):
        html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
        assert f"<title>Dashboard - {SITE_NAME}</title>" in html
        logo = re.search(r"<template data-wagtail-sidebar-branding-logo>(.*?)</template>", html)[1]
        assert f'alt="{SITE_NAME}"' in logo and "favicon.svg" in logo

    def test_the_sign_in_page_too(self, client, db):
        html = client.get(reverse("wagtailadmin_login")).content.decode()
        assert f"<title>Sign in - {SITE_NAME}</title>" in html
        assert f"<h1>Sign in to {SITE_NAME}</h1>" in html
        assert "Wagtail" not in re.search(r"<title>.*?</title>", html)[0]


class TestHelpMenu:
    def test_opens_the_sites_own_guide_not_wagtails(self, admin_client):
        items = sidebar_menu(admin_client.get(reverse("wagtailadmin_home")).content.decode())
        help_items = [entry["_args"][0]["name"] for entry in items["help"]["_args"][1]]
        assert help_items == ["editors-guide", "keyboard-shortcuts-trigger"]
        assert items["editors-guide"]["_args"][0]["url"] == reverse("editors_guide")
        assert "guide.wagtail.org" not in json.dumps(items)


class TestEditorsGuide:
    def test_shows_docs_editors_md_with_its_screenshots_to_any_editor(self, writer):  # noqa: F811
        response = logged_in(writer).get(reverse("editors_guide"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "<title>The editors&#x27; guide - " in html
        assert '<h2 id="write-a-news-item">Write a news item</h2>' in html
        assert '<a href="#write-a-news-item">Write a news item</a>' in html  # the contents
        picture = reverse("editors_guide_image", args=("dashboard.png",))
        # With its size, so that the text does not jump as it arrives.
        assert re.search(
            r'<img alt="The editor\'s dashboard" height="\d+" loading="lazy" '
            rf'src="{re.escape(picture)}" width="\d+">',
            html,
        )
        image = logged_in(writer).get(picture)
        assert image.status_code == 200 and image["Content-Type"] == "image/png"
        assert b"".join(image.streaming_content).startswith(b"\x89PNG")
        assert "private" in image["Cache-Control"]

    def test_is_for_signed_in_editors_only(self, client, db):
        for url in (
            reverse("editors_guide"),
            reverse("editors_guide_image", args=("dashboard.png",)),
        ):
            response = client.get(url)
            assert response.status_code == 302
            assert response.url.startswith(reverse("wagtailadmin_login"))

    def test_serves_no_other_file(self, admin_client):
        for name in ("missing.png", "editors.md", "..%2Feditors.md", "dashboard.PNG"):
            url = reverse("editors_guide_image", args=("x.png",)).replace("x.png", name)
            assert admin_client.get(url, follow=True).status_code == 404, name
        assert admin_client.get("/admin/guide/images/../editors.md", follow=True).status_code == 404


class TestMarkdown:
    def test_the_guides_markdown(self):
        guide = render_markdown(
            "# Title\n\nA **bold** `**code**` line\ngoing on.\n\n## A section\n\n"
            "1. First,\n   continued.\n2. Second.\n\nThen:\n\n- a\n- b\n\n"
            "| state | means |\n| --- | --- |\n| **Stale** | changed |\n\n"
            "![A picture](images/shot.png)\n\n[The site](https://example.org/)",
            picture=lambda name: {"url": f"/pictures/{name}", "width": 10, "height": 5},
        )
        assert guide.title == "Title"
        assert guide.sections == [("a-section", "A section")]
        html = re.sub(r"\s+", " ", guide.html)
        assert "Title" not in html  # the admin's header shows it
        for shown in (
            "<p>A <strong>bold</strong> <code>**code**</code> line going on.</p>",
            '<h2 id="a-section">A section</h2>',
            "<ol> <li>First, continued.</li> <li>Second.</li> </ol>",
            "<ul> <li>a</li> <li>b</li> </ul>",
            '<th scope="col">state</th> <th scope="col">means</th>',
            "<td><strong>Stale</strong></td> <td>changed</td>",
            '<img alt="A picture" height="5" loading="lazy" src="/pictures/shot.png" width="10">',
            '<a href="https://example.org/">The site</a>',
        ):
            assert shown in html, shown

    def test_the_whole_guide_leaves_no_markdown_behind(self, db):
        text = GUIDE.read_text(encoding="utf-8")
        guide = render_markdown(text, guide_picture)
        assert guide.title == "The editors' guide"
        assert ("write-a-news-item", "Write a news item") in guide.sections
        prose = re.sub(r"<code>.*?</code>", "", guide.html)
        for left_over in ("**", "](", "| ---", "\n- ", "\n1. ", "\n#", "&lt;"):
            assert left_over not in prose, left_over
        # Every screenshot it names is there.
        assert prose.count("<img ") == text.count("![") > 10

    def test_puts_no_markup_of_its_own_in_the_admin(self):
        html = render_markdown(
            '<script>alert(1)</script> [x](javascript:alert(1)) ![y" onerror="z](images/a.png) '
            "![gone](images/missing.png) ![far](https://example.org/a.png) [news](/news/)\n\n"
            '<div onclick="alert(2)">A block</div>',
            picture=lambda name: (
                None
                if name == "missing.png"
                else {
                    "url": "/a.png",
                    "width": 1,
                    "height": 1,
                }
            ),
        ).html
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "<div" not in html and "&lt;div" in html
        assert "javascript:" not in html
        assert re.findall(r"<a [^>]*>", html) == ['<a href="/news/">']  # a site address stays
        assert 'alt="y&quot; onerror=&quot;z"' in html
        assert "gone" in html and "missing.png" not in html
        assert "example.org" not in html


def explorer_start(client):
    """The page the sidebar's "Pages" item opens the explorer on (its id)."""
    items = sidebar_menu(client.get(reverse("wagtailadmin_home")).content.decode())
    explorer = items["explorer"]
    assert explorer["_type"] == "wagtail.sidebar.PageExplorerMenuItem"
    return explorer["_args"][1]


@pytest.fixture
def spanish_tree(spanish_home, news_index, briefing_index, roles):  # noqa: F811
    """Both home pages, the roles' permissions given on each (setup_roles, after them)."""
    return spanish_home


class TestExplorer:
    def test_opens_on_the_home_page_of_the_editors_language(
        self,
        home_page,
        spanish_tree,
        editor,  # noqa: F811
        admin_user,
    ):
        # Wagtail would open it on the tree's root, above both home pages.
        assert home_page.get_parent().is_root()
        for user in (admin_user, editor):
            assert explorer_start(logged_in(user)) == home_page.pk, user
        profile = UserProfile.get_for_user(editor)
        profile.preferred_language = "es"  # the admin in Spanish
        profile.save()
        assert explorer_start(logged_in(editor)) == spanish_tree.pk

    def test_opens_where_wagtail_would_for_those_who_may_not_explore_the_home_page(
        self, home_page, news_index
    ):
        group = Group.objects.create(name="News only")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        GroupPagePermission.objects.create(
            group=group, page=news_index, permission=Permission.objects.get(codename="add_page")
        )
        user = get_user_model().objects.create_user("newsonly", password="x")
        user.groups.add(group)
        assert explorer_start(logged_in(user)) == news_index.pk

    def test_the_sites_pages_carry_no_configure_a_site_note(self, admin_client, home_page):
        html = admin_client.get(reverse("wagtailadmin_explore", args=(home_page.pk,)))
        assert "Configure a site now" not in html.content.decode()
        root = admin_client.get(reverse("wagtailadmin_explore", args=(home_page.get_parent().pk,)))
        assert "Configure a site now" in root.content.decode()  # Wagtail's note, at the root


class TestPromoteTab:
    def test_its_help_speaks_of_this_site(self, admin_client, news_index):
        item = NewsItemPageFactory(parent=news_index)
        html = admin_client.get(reverse("wagtailadmin_pages:edit", args=(item.pk,))).content
        html = html.decode()
        assert "domain.com" not in html
        assert "/news/saramurillo-takes-protest-to-lima/" in html
        assert "Leave empty to use the page&#x27;s summary or introduction." in html
        assert "menu at the top of every page" in html
        # The help is the panels': Wagtail's own fields are untouched.
        assert "domain.com" in Page._meta.get_field("slug").help_text
