"""The admin in a real browser, under the site's content security policy: a signed-in editor goes
through the dashboard, the page explorer, a page's editor, snippets, settings, reports and the
editors' guide, and the browser's console records no error on the way."""

import re

from wagtail.models import Locale

import pytest
from playwright.sync_api import expect

from members.models import MembershipPitch
from news.models import NewsItemPage
from tests.browser.conftest import open_side_panel

# Live server and a real browser: slow as well.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_in_both_languages(home_page, request):
    """What `make run` builds, in both languages: the Spanish locale first, which a flush after
    an earlier live-server test takes away with the rest of the migrations' data."""
    Locale.objects.get_or_create(language_code="es")
    return request.getfixturevalue("demo")


def test_the_admin_logs_no_error_in_the_console(demo_in_both_languages, sign_in, live_server):
    admin = sign_in("admin")
    errors = []
    admin.on(
        "console",
        lambda message: (
            errors.append((admin.url, message.text)) if message.type == "error" else None
        ),
    )
    admin.on("pageerror", lambda error: errors.append((admin.url, str(error))))
    item = NewsItemPage.objects.get(slug="saramurillo-takes-protest-to-lima")
    pitch = MembershipPitch.objects.get(locale=item.locale)

    # The dashboard (where Wagtail would ask another site for its latest version).
    admin.goto(f"{live_server.url}/admin/")
    recently_published = admin.locator("#recently-published-section")
    expect(recently_published.get_by_text("English").first).to_be_visible()
    expect(recently_published.get_by_text("Español").first).to_be_visible()

    # "Pages" opens on the English home page, not on the tree's root.
    admin.get_by_role("button", name="Pages").click()
    expect(admin.get_by_role("link", name="News", exact=True)).to_be_visible()
    admin.goto(f"{live_server.url}/admin/pages/{item.get_parent().pk}/")
    expect(admin.get_by_text("Saramurillo takes protest to Lima")).to_be_visible()

    # A page's editor, its Promote tab and its status panel.
    admin.goto(f"{live_server.url}/admin/pages/{item.pk}/edit/")
    admin.get_by_role("tab", name="Promote").click()
    expect(admin.get_by_text("/news/saramurillo-takes-protest-to-lima/")).to_be_visible()
    open_side_panel(admin, "status")

    # Snippets, the "Why join?" pitch, the settings and the reports.
    for path, heading in [
        ("/admin/snippets/", "Snippets"),
        (f"/admin/snippets/members/membershippitch/edit/{pitch.pk}/", pitch.heading),
        ("/admin/settings/home/sitesettings/", "Site settings"),
        ("/admin/settings/members/membershipsettings/", "Membership settings"),
        ("/admin/reports/locked/", "Locked pages"),
        ("/admin/reports/translations/", "Translations"),
    ]:
        admin.goto(live_server.url + path)
        expect(admin).to_have_title(re.compile(rf"{re.escape(heading)}.* - Peru Support Group$"))

    # On the Translations report, each state's badge stays on one line.
    badges = admin.locator("td .w-status")
    expect(badges.first).to_be_visible()
    heights = {round(badge.bounding_box()["height"]) for badge in badges.all()}
    line = admin.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('td .w-status')).lineHeight)"
    )
    assert max(heights) < 1.5 * line, heights

    # Help → the editors' guide, with its screenshots.
    admin.get_by_role("button", name="Help").click()
    admin.get_by_role("link", name="Editors' guide").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("The editors' guide")
    picture = admin.get_by_role("img", name="The editor's dashboard")
    picture.scroll_into_view_if_needed()
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("image => image.naturalWidth") > 0

    assert errors == []
