"""At most ten SQL queries for any public page (five today: the budget keeps it so), the same
with 10 and with 10,000 news items. One of them reads the content version, which every request
does first (core/caching/version.py).

Measured with the page cache off, after one visit has filled the navigation fragments: what
a reader costs when the page itself is not cached.
"""

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from news.models import NewsItemPage
from tests.layers import needs_all

QUERY_BUDGET = 5
PAGES = [
    "/",
    "/news/",
    "/news/?page=2",
    "/news/?theme=environment",
    "/news/2016/",
    "/news/2016/11/",
    "/news/mercury-poisoning-in-madre-de-dios/",
    "/briefings/",
    "/briefings/human-rights/",
    "/about/",
    "/join/",
    "/join/thanks/",
    "/news/feed/",
    "/news/regions/",
    "/news/regions/loreto/",
    "/news/?region=loreto",
    "/news/regions/loreto/feed/",
    "/no-such-page/",
    # The same pages in Spanish.
    "/es/",
    "/es/noticias/",
    "/es/noticias/?page=2",
    "/es/noticias/?theme=environment",
    "/es/noticias/2016/",
    "/es/noticias/2016/11/",
    "/es/noticias/intoxicacion-por-mercurio-en-madre-de-dios/",
    "/es/informes/",
    "/es/informes/derechos-humanos/",
    "/es/quienes-somos/",
    "/es/afiliese/",
    "/es/afiliese/thanks/",
    "/es/noticias/feed/",
    "/es/noticias/regions/loreto/",
    "/es/no-existe/",
]


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


@pytest.mark.slow
@pytest.mark.benchmark
@needs_all
def test_five_queries_at_most_with_ten_and_with_ten_thousand_items(client, home_page):
    call_command("load_demo_content", verbosity=0)
    with_ten = queries_per_page(client)
    english = NewsItemPage.objects.filter(locale__language_code="en-gb")
    assert english.count() == 10
    call_command("generate_content", news=9_990, verbosity=0)
    assert english.count() == 10_000
    with_ten_thousand = queries_per_page(client)
    assert with_ten_thousand == with_ten
    over = {url: count for url, count in with_ten_thousand.items() if count > QUERY_BUDGET}
    assert not over, over


@pytest.mark.benchmark
@pytest.mark.parametrize("url", ["/", "/news/", "/news/mercury-poisoning-in-madre-de-dios/"])
def test_a_cached_page_costs_one_query_the_content_version(client, home_page, settings, url):
    settings.PAGE_CACHE_SECONDS = 300
    call_command("load_demo_content", verbosity=0)
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response["X-Cache"] == "hit"
    assert [query["sql"] for query in queries] == [
        "SELECT value FROM core_contentversion WHERE id = 1"
    ]
