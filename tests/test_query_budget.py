"""The SQL queries of every kind of public page, exactly, the same with 10 and with 300 news
items (thirty pages of the news list; `make bench-http` counts them again at 10,000), in both
languages: with the template fragments cached (a shared store) and with none
kept (Django's dummy cache, as without Redis). What is left once the fragments are cached is
Wagtail's own work: finding the site, the reader's locale, each page on the way down (two
queries a level) and its view restrictions; then what the page itself asks (a list's count,
its months, a theme or region named in the address).

Measured on the third visit of each address, once the first visits have made the renditions
and the site settings.
"""

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from news.models import NewsItemPage

# (queries with the fragments cached, with none kept) for each address: the same with 10 and
# with 300 news items. Over ten with fragments cached, all in Spanish: a Spanish page pays one
# more than its English page (Wagtail's serve looks up the Spanish home page, the English one is
# the site's root), so a Spanish list named by a theme or region, the Spanish join form (the
# tiers, the membership settings, the privacy notice's translation), the Spanish contact form
# (the same settings and translation: it links the notice too) and a Spanish region's feed
# (feeds are not templates: they read their items, themes and translations every time) come to
# eleven or twelve.
BUDGETS = {
    "/": (5, 31),
    "/news/": (9, 32),
    "/news/?page=2": (9, 32),
    "/news/?theme=environment": (10, 33),
    "/news/2016/": (9, 27),
    "/news/2016/11/": (9, 27),
    "/news/mercury-poisoning-in-madre-de-dios/": (9, 29),
    "/briefings/": (8, 24),
    "/briefings/human-rights/": (9, 29),
    "/about/": (7, 22),
    "/join/": (9, 24),
    "/join/thanks/": (7, 22),
    "/news/feed/": (10, 10),
    "/news/regions/": (7, 25),
    "/news/regions/loreto/": (10, 29),
    "/news/?region=loreto": (10, 33),
    "/news/regions/loreto/feed/": (11, 11),
    "/contact/": (9, 23),
    "/no-such-page/": (5, 18),
    "/es/": (6, 33),
    "/es/noticias/": (10, 35),
    "/es/noticias/?page=2": (10, 35),
    "/es/noticias/?theme=environment": (11, 36),
    "/es/noticias/2016/": (10, 29),
    "/es/noticias/2016/11/": (10, 29),
    "/es/noticias/intoxicacion-por-mercurio-en-madre-de-dios/": (10, 32),
    "/es/informes/": (9, 26),
    "/es/informes/derechos-humanos/": (10, 32),
    "/es/quienes-somos/": (8, 24),
    "/es/afiliese/": (11, 27),
    "/es/afiliese/thanks/": (8, 24),
    "/es/noticias/feed/": (12, 12),
    "/es/noticias/regions/loreto/": (11, 31),
    "/es/contacto/": (11, 26),
    "/es/no-existe/": (6, 20),
}
PAGES = list(BUDGETS)


def queries_per_page(client):
    counts = {}
    for url in PAGES:
        client.get(url)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code in (200, 404), url
        counts[url] = len(queries)
    return counts


def both_ways(client, settings):
    """{url: (queries with fragments cached, queries with none kept)}."""
    cached = queries_per_page(client)
    shared = settings.CACHES
    settings.CACHES = {
        **shared,
        "template_fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    uncached = queries_per_page(client)
    settings.CACHES = shared
    return {url: (cached[url], uncached[url]) for url in PAGES}


@pytest.mark.slow
@pytest.mark.benchmark
def test_exact_queries_with_ten_and_with_three_hundred_items(client, home_page, settings):
    call_command("load_demo_content", verbosity=0)
    with_ten = both_ways(client, settings)
    english = NewsItemPage.objects.filter(locale__language_code="en-gb")
    assert english.count() == 10
    call_command("generate_content", news=290, verbosity=0)
    assert english.count() == 300
    with_three_hundred = both_ways(client, settings)
    assert with_ten == BUDGETS
    assert with_three_hundred == BUDGETS
