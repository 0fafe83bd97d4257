"""An editor translates a news item into Spanish in the admin, in a real browser, on the site
`make run` builds: Translate, the translation editor, Publish, the Spanish page at its /es/
address with the language switcher both ways; then the English changes, Reports →
Translations says the Spanish is stale, and the editor brings it up to date.

It takes the screenshots of the editors' guide's "Translate into Spanish" section
(docs/editors.md), as tests/browser/test_editorial_journeys.py does for the rest.
"""

from django.utils import timezone

from wagtail.models import Locale

import pytest
from playwright.sync_api import expect

from news.models import NewsIndexPage, NewsItemPage
from tests.browser.conftest import VIEWPORT, footer_actions, guide_image
from tests.conftest import translate

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TITLE = "Oil spill reaches the Marañón"
SUMMARY = "A new break in the North Peruvian pipeline has polluted the river."
PARAGRAPH = "Community monitors reported the spill on Friday morning."
NEW_SUMMARY = "A new break in the North Peruvian pipeline has polluted the Marañón river."

SPANISH = {
    TITLE: "El derrame de petróleo llega al Marañón",
    "oil-spill-reaches-the-maranon": "derrame-de-petroleo-llega-al-maranon",
    SUMMARY: "Una nueva rotura del Oleoducto Norperuano ha contaminado el río.",
    PARAGRAPH: "Los monitores comunitarios informaron del derrame el viernes por la mañana.",
    NEW_SUMMARY: "Una nueva rotura del Oleoducto Norperuano ha contaminado el río Marañón.",
}
SPANISH_ADDRESS = "/es/noticias/derrame-de-petroleo-llega-al-maranon/"
ENGLISH_ADDRESS = "/news/oil-spill-reaches-the-maranon/"


@pytest.fixture
def spanish_site(demo):
    """The demo site with its home page and news list in Spanish (the demo content's own
    translations where it has them)."""
    spanish = Locale.objects.get_or_create(language_code="es")[0]
    home = demo.specific
    if home.get_translation_or_none(spanish) is None:
        translate(home, spanish, title="Grupo de Apoyo al Perú", slug="inicio")
    news = NewsIndexPage.objects.get(locale=home.locale)
    if news.get_translation_or_none(spanish) is None:
        translate(news, spanish, title="Noticias", slug="noticias")
    item = NewsItemPage(
        title=TITLE,
        slug="oil-spill-reaches-the-maranon",
        date=timezone.localdate(),
        summary=SUMMARY,
        body=[{"type": "paragraph", "value": f"<p>{PARAGRAPH}</p>"}],
    )
    news.add_child(instance=item)
    item.save_revision().publish()
    return item


def translate_every_string(editor):
    """In wagtail-localize's editor: each string not yet translated, in Spanish, then saved."""
    untranslated = editor.get_by_role("button", name="Translate", exact=True)
    untranslated.first.wait_for()
    while (left := untranslated.count()) > 0:
        segment = editor.locator("li.incomplete").first
        source = segment.locator("p").first.inner_text().strip()
        segment.get_by_role("button", name="Translate", exact=True).click()
        editor.locator("li textarea").fill(SPANISH[source])
        editor.get_by_role("button", name="Save", exact=True).click()
        expect(untranslated).to_have_count(left - 1)


def test_editor_translates_a_news_item_and_keeps_it_up_to_date(
    spanish_site, sign_in, live_server, browser
):
    item = spanish_site
    editor = sign_in("editor")

    # Translate, from the English page's menu.
    editor.goto(f"{live_server.url}/admin/pages/{item.pk}/edit/")
    editor.get_by_role("button", name="Actions", exact=True).click()
    editor.get_by_role("link", name="Translate this page").click()
    expect(editor.get_by_role("heading", level=1)).to_contain_text("Translate page")
    editor.get_by_label("Español").check()
    guide_image(editor, "translate-page")
    editor.get_by_role("button", name="Submit").click()

    # The translation editor: the English beside each box for the Spanish.
    expect(editor.get_by_role("status")).to_contain_text("successfully submitted for translation")
    translate_every_string(editor)
    editor.get_by_text(SUMMARY).scroll_into_view_if_needed()
    guide_image(editor, "translation-editor")
    # The page's address (its slug) is on the Promote tab.
    editor.get_by_role("tab", name="Promote").click()
    translate_every_string(editor)
    editor.get_by_role("button", name="Publish in Español").click()
    expect(editor.get_by_role("status")).to_contain_text("Published")
    item_es = NewsItemPage.objects.get(
        translation_key=item.translation_key, locale__language_code="es"
    )
    assert item_es.live

    # Readers see it at its Spanish address, and the switcher links the two.
    reader = browser.new_context(viewport=VIEWPORT, locale="es").new_page()
    reader.goto(f"{live_server.url}{SPANISH_ADDRESS}")
    expect(reader.get_by_role("heading", level=1)).to_have_text(SPANISH[TITLE])
    expect(reader.locator("html")).to_have_attribute("lang", "es")
    reader.locator(".language-switcher").get_by_role("link", name="English").click()
    expect(reader).to_have_url(f"{live_server.url}{ENGLISH_ADDRESS}")
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    reader.locator(".language-switcher").get_by_role("link", name="Español").click()
    expect(reader).to_have_url(f"{live_server.url}{SPANISH_ADDRESS}")

    # The English is changed and published...
    editor.goto(f"{live_server.url}/admin/pages/{item.pk}/edit/")
    editor.get_by_label("Summary").fill(NEW_SUMMARY)
    footer_actions(editor)
    editor.get_by_role("button", name="Publish", exact=True).click()
    expect(editor.get_by_role("status")).to_contain_text("has been published")

    # ...so Reports → Translations says the Spanish is stale.
    editor.goto(f"{live_server.url}/admin/")
    editor.get_by_role("button", name="Reports").click()
    editor.get_by_role("link", name="Translations").click()
    expect(editor.get_by_role("heading", level=1)).to_have_text("Translations")
    row = editor.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("Stale")
    row.scroll_into_view_if_needed()
    guide_image(editor, "translations-report")

    # Update: wagtail-localize brings in the changed English...
    row.get_by_role("link", name=f"Update: {TITLE}").click()
    expect(editor.get_by_role("heading", level=1)).to_contain_text("Update existing translations")
    guide_image(editor, "update-translation")
    editor.get_by_role("button", name="Submit").click()
    row = editor.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("Not published yet")

    # ...which the editor translates and publishes.
    row.get_by_role("link", name=f"Finish translation: {TITLE}").click()
    translate_every_string(editor)
    editor.get_by_role("button", name="Publish in Español").click()
    expect(editor.get_by_role("status")).to_contain_text("Published")

    # The browser may keep the page for a minute (max-age): a reader reloading asks again.
    reader.goto(f"{live_server.url}{SPANISH_ADDRESS}")
    reader.reload()
    expect(reader.get_by_role("main")).to_contain_text(SPANISH[NEW_SUMMARY])
    editor.goto(f"{live_server.url}/admin/reports/translations/?state=stale")
    expect(editor.get_by_role("main")).not_to_contain_text(TITLE)
    reader.context.close()
