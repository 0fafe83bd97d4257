"""The dated news archive: /news/2016/ and /news/2016/11/, the "News by month" navigation, their
addresses, titles and canonical links, in English and Spanish."""

import datetime
import re

from django.core.exceptions import ValidationError

from wagtail.models import PageViewRestriction

import pytest

from tests.conftest import translate
from tests.factories import NewsItemPageFactory, ThemeFactory
from tests.test_listings import QUERY_BUDGET, count_queries


def titles(response):
    """Item titles in the order a reader sees them."""
    return re.findall(r'class="card__title"><a href="[^"]*">([^<]*)</a>', response.content.decode())


def months_nav(response):
    """The "News by month" navigation: [(year, href, [(href, label), ...]), ...]."""
    html = response.content.decode()
    nav = re.search(r'<nav class="news-months" aria-label="([^"]+)">(.*?)</nav>', html, re.S)
    assert nav, "no months navigation on the page"
    years = []
    for year_html in nav.group(2).split('<h3 class="news-months__year">')[1:]:
        year = re.match(r'<a href="([^"]+)"[^>]*>(\d+)</a>', year_html)
        months = re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a></li>', year_html)
        years.append((year.group(2), year.group(1), months))
    return years


def canonical(response):
    return re.search(r'<link rel="canonical" href="([^"]+)">', response.content.decode()).group(1)


def page_title(response):
    return re.search(r"<title>([^<]*)</title>", response.content.decode()).group(1)


def h1(response):
    return re.search(r'<h1 class="page-title">([^<]*)</h1>', response.content.decode()).group(1)


NOINDEX = '<meta name="robots" content="noindex, follow">'


@pytest.fixture
def archive(news_index):
    """Items in November and October 2016 and December 2015, and three that readers never see
    (a draft, a password-protected item, an item for members) in November 2016."""
    items = {
        "late november": NewsItemPageFactory(
            parent=news_index, title="Late November", date=datetime.date(2016, 11, 27)
        ),
        "early november": NewsItemPageFactory(
            parent=news_index, title="Early November", date=datetime.date(2016, 11, 1)
        ),
        "october": NewsItemPageFactory(
            parent=news_index, title="End of October", date=datetime.date(2016, 10, 31)
        ),
        "december 2015": NewsItemPageFactory(
            parent=news_index, title="December 2015", date=datetime.date(2015, 12, 31)
        ),
    }
    NewsItemPageFactory(
        parent=news_index, title="Draft item", date=datetime.date(2016, 11, 2), live=False
    )
    private = NewsItemPageFactory(
        parent=news_index, title="Private item", date=datetime.date(2016, 11, 3)
    )
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    members = NewsItemPageFactory(
        parent=news_index, title="Members item", date=datetime.date(2016, 9, 3)
    )
    PageViewRestriction.objects.create(page=members, restriction_type="login")
    return items


class TestArchivePages:
    def test_month_page_lists_exactly_that_months_items_newest_first(self, client, archive):
        response = client.get("/news/2016/11/")
        assert response.status_code == 200
        assert titles(response) == ["Late November", "Early November"]
        # The neighbouring month's item is on its own page, not this one.
        assert titles(client.get("/news/2016/10/")) == ["End of October"]

    def test_year_page_lists_that_years_items_and_links_its_months(self, client, archive):
        response = client.get("/news/2016/")
        assert response.status_code == 200
        assert titles(response) == ["Late November", "Early November", "End of October"]
        assert titles(client.get("/news/2015/")) == ["December 2015"]
        html = response.content.decode()
        months = re.search(
            r'<nav class="archive-months" aria-label="Months of 2016">(.*?)</nav>', html, re.S
        )
        assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', months.group(1)) == [
            ("/news/2016/11/", "November 2016 (2)"),
            ("/news/2016/10/", "October 2016 (1)"),
        ]

    def test_drafts_and_private_items_are_neither_listed_nor_counted(self, client, archive):
        html = client.get("/news/2016/").content.decode()
        for title in ("Draft item", "Private item", "Members item"):
            assert title not in html
        assert "Late November" in html
        # September 2016 has only an item for members: no page, no link.
        assert client.get("/news/2016/09/").status_code == 404
        assert "/news/2016/09/" not in client.get("/news/").content.decode()

    def test_titles_and_headings_name_the_period(self, client, archive):
        month = client.get("/news/2016/11/")
        assert page_title(month) == "News: November 2016 | Peru Support Group"
        assert h1(month) == "News: November 2016"
        year = client.get("/news/2016/")
        assert page_title(year) == "News: 2016 | Peru Support Group"
        assert h1(year) == "News: 2016"
        # The list itself keeps its own title.
        assert h1(client.get("/news/")) == "News"

    def test_breadcrumbs_lead_back_to_the_year_and_all_news(self, client, archive):
        html = client.get("/news/2016/11/").content.decode()
        crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
        assert re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', crumbs) == [
            ("/", "", "Home"),
            ("/news/", "", "News"),
            ("/news/2016/", "", "2016"),
            ("/news/2016/11/", ' aria-current="page"', "November 2016"),
        ]

    def test_menu_says_the_reader_is_in_the_news_section(self, client, archive, news_index):
        news_index.show_in_menus = True
        news_index.save_revision().publish()
        html = client.get("/news/2016/11/").content.decode()
        assert '<a href="/news/" aria-current="true">News</a>' in html
        html = client.get("/news/").content.decode()
        assert '<a href="/news/" aria-current="page">News</a>' in html

    def test_paginated_like_the_list(self, client, news_index):
        for n in range(25):
            NewsItemPageFactory(
                parent=news_index, title=f"Item {n:02d}", date=datetime.date(2016, 11, 30 - n)
            )
        NewsItemPageFactory(parent=news_index, title="October", date=datetime.date(2016, 10, 1))
        first = client.get("/news/2016/11/")
        assert titles(first) == [f"Item {n:02d}" for n in range(10)]
        assert '<link rel="next" href="?page=2">' in first.content.decode()
        assert titles(client.get("/news/2016/11/?page=2"))[0] == "Item 10"
        # As on the list: past the last page is the last page, nonsense the first.
        assert titles(client.get("/news/2016/11/?page=3")) == [
            f"Item {n:02d}" for n in range(20, 25)
        ]
        for value, first_title in [("999", "Item 20"), ("abc", "Item 00"), ("0", "Item 20")]:
            response = client.get(f"/news/2016/11/?page={value}")
            assert response.status_code == 200
            assert titles(response)[0] == first_title
            assert client.get(f"/news/?page={value}").status_code == 200
        # The year page counts November's 25 and October's one.
        assert titles(client.get("/news/2016/?page=3")) == [
            *(f"Item {n:02d}" for n in range(20, 25)),
            "October",
        ]


@pytest.mark.parametrize(
    "url",
    [
        "/news/2016/13/",
        "/news/2016/00/",
        "/news/2016/99/",
        "/news/0000/",
        "/news/0000/01/",
        "/news/99999/",
        "/news/9999/12/",
        "/news/2016/1/",
        "/news/2016/011/",
        "/news/16/11/",
        "/news/2016/11/27/",
        "/news/2017/",
        "/news/2016/12/",
        "/news/2016/09/",
        "/news/abcd/",
        "/news/2016/ab/",
        # Digits of other scripts and leading zeros spell the same number, not the address.
        "/news/٢٠١٦/",
        "/news/٢٠١٦/١١/",
        "/news/2016/١١/",
        "/news/２０１６/",
        "/news/02016/",
        "/news/02016/11/",
    ],
)
def test_bad_or_empty_dates_are_a_404(client, archive, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"Page not found" in response.content
    # Positive control: the same kind of address with items.
    assert client.get("/news/2016/11/").status_code == 200


class TestMonthsNavigation:
    def test_news_list_links_every_month_newest_first_by_year_with_counts(self, client, archive):
        response = client.get("/news/")
        assert months_nav(response) == [
            (
                "2016",
                "/news/2016/",
                [("/news/2016/11/", "November 2016 (2)"), ("/news/2016/10/", "October 2016 (1)")],
            ),
            ("2015", "/news/2015/", [("/news/2015/12/", "December 2015 (1)")]),
        ]
        assert '<nav class="news-months" aria-label="News by month">' in response.content.decode()

    def test_archive_pages_show_it_with_the_current_month_marked(self, client, archive):
        html = client.get("/news/2016/10/").content.decode()
        assert '<a href="/news/2016/10/" aria-current="page">October 2016 (1)</a>' in html
        assert '<a href="/news/2016/11/">November 2016 (2)</a>' in html
        html = client.get("/news/2016/").content.decode()
        assert '<a href="/news/2016/" aria-current="page">2016</a>' in html
        assert 'aria-current="page">October' not in html

    def test_every_link_leads_to_a_page_with_that_many_items(self, client, archive):
        for _year, _url, months in months_nav(client.get("/news/")):
            for href, label in months:
                count = int(re.search(r"\((\d+)\)", label).group(1))
                assert len(titles(client.get(href))) == count

    def test_a_newly_published_month_appears_at_once(self, client, archive, news_index):
        assert "/news/2017/01/" not in client.get("/news/").content.decode()
        assert client.get("/news/2017/01/").status_code == 404
        NewsItemPageFactory(parent=news_index, title="New year", date=datetime.date(2017, 1, 5))
        assert months_nav(client.get("/news/"))[0] == (
            "2017",
            "/news/2017/",
            [("/news/2017/01/", "January 2017 (1)")],
        )
        assert titles(client.get("/news/2017/01/")) == ["New year"]

    def test_no_navigation_without_news(self, client, news_index):
        html = client.get("/news/").content.decode()
        assert "No news has been published yet." in html
        assert "News by month" not in html


class TestCanonicalAndRobots:
    def test_archive_pages_are_canonical_at_their_own_address(self, client, archive):
        response = client.get("/news/2016/11/")
        assert canonical(response) == "http://testserver/news/2016/11/"
        assert NOINDEX not in response.content.decode()
        assert canonical(client.get("/news/2016/")) == "http://testserver/news/2016/"

    def test_a_later_page_adds_its_number(self, client, news_index):
        for n in range(12):
            NewsItemPageFactory(parent=news_index, date=datetime.date(2016, 11, 1 + n))
        response = client.get("/news/2016/11/?page=2")
        assert canonical(response) == "http://testserver/news/2016/11/?page=2"
        assert NOINDEX not in response.content.decode()
        assert canonical(client.get("/news/2016/11/?page=1")) == "http://testserver/news/2016/11/"

    @pytest.mark.parametrize(
        "query", ["theme=mining", "region=cusco", "utm_source=newsletter", "page=1&theme=mining"]
    )
    def test_other_parameters_are_left_out_and_the_page_not_indexed(self, client, archive, query):
        ThemeFactory(slug="mining")
        response = client.get(f"/news/2016/11/?{query}")
        assert response.status_code == 200
        assert canonical(response) == "http://testserver/news/2016/11/"
        assert NOINDEX in response.content.decode()
        # The theme changes nothing here: the month's items, all of them.
        assert titles(response) == ["Late November", "Early November"]

    def test_the_news_list_is_indexed(self, client, archive):
        ThemeFactory(slug="mining")
        for url in ("/news/", "/news/2016/"):
            assert NOINDEX not in client.get(url).content.decode()


class TestSpanish:
    @pytest.fixture
    def spanish_archive(self, archive, news_index, spanish_home, spanish):
        translate(news_index, spanish, title="Noticias", slug="noticias")
        translate(archive["late november"], spanish, title="Fines de noviembre", slug="fines")
        translate(archive["october"], spanish, title="Fin de octubre", slug="octubre")

    def test_spanish_month_page_in_spanish(self, client, spanish_archive):
        response = client.get("/es/noticias/2016/11/")
        assert response.status_code == 200
        assert titles(response) == ["Fines de noviembre"]
        assert page_title(response) == "Noticias: noviembre de 2016 | Peru Support Group"
        assert h1(response) == "Noticias: noviembre de 2016"
        assert canonical(response) == "http://testserver/es/noticias/2016/11/"
        html = response.content.decode()
        assert '<html lang="es">' in html
        assert months_nav(response) == [
            (
                "2016",
                "/es/noticias/2016/",
                [
                    ("/es/noticias/2016/11/", "Noviembre de 2016 (1)"),
                    ("/es/noticias/2016/10/", "Octubre de 2016 (1)"),
                ],
            )
        ]
        assert 'aria-label="Noticias por mes"' in html
        assert "News by month" not in html

    def test_spanish_year_page_and_its_months(self, client, spanish_archive):
        response = client.get("/es/noticias/2016/")
        assert titles(response) == ["Fines de noviembre", "Fin de octubre"]
        assert h1(response) == "Noticias: 2016"
        assert 'aria-label="Meses de 2016"' in response.content.decode()
        # Each language lists its own items: 2015 has none in Spanish.
        assert client.get("/es/noticias/2015/").status_code == 404
        assert client.get("/news/2015/").status_code == 200

    def test_no_alternates_pointing_elsewhere(self, client, spanish_archive):
        # The list has its Spanish alternate; a month page names none rather than the list.
        alternate = '<link rel="alternate" hreflang="es" href="http://testserver/es/noticias/">'
        assert alternate in client.get("/news/").content.decode()
        assert '<link rel="alternate" hreflang' not in client.get("/news/2016/11/").content.decode()


@pytest.mark.benchmark
@pytest.mark.parametrize(
    "url", ["/news/", "/news/2016/", "/news/2016/11/", "/news/2016/11/?page=2"]
)
def test_query_count_does_not_grow_with_items_or_months(client, news_index, url):
    for n in range(25):
        NewsItemPageFactory(parent=news_index, date=datetime.date(2016, 11, 1 + n))
    few = count_queries(client, url)
    for n in range(60):
        NewsItemPageFactory(parent=news_index, date=datetime.date(2011 + n // 12, 1 + n % 12, 3))
    many = count_queries(client, url)
    assert few == many
    assert many <= QUERY_BUDGET


def test_an_item_links_to_its_month(client, news_index):
    item = NewsItemPageFactory(parent=news_index, date=datetime.date(2016, 11, 20))
    NewsItemPageFactory(parent=news_index, date=datetime.date(2016, 10, 2), title="October item")
    html = client.get(item.url).content.decode()
    assert '<a class="more-link" href="/news/2016/11/">More news from November 2016</a>' in html
    month = client.get("/news/2016/11/").content.decode()
    # The link's page lists the item, and not October's.
    assert item.title in month and "October item" not in month


@pytest.mark.parametrize("slug", ["regions", "feed", "2016"])
def test_an_item_may_not_take_an_address_of_the_list(news_index, slug):
    item = NewsItemPageFactory.build(title="Taken", slug=slug, date=datetime.date(2016, 11, 1))
    with pytest.raises(ValidationError) as error:
        news_index.add_child(instance=item)
    assert "taken by the news list itself" in str(error.value)
    # Positive control: an ordinary slug is accepted.
    item = NewsItemPageFactory.build(title="Taken", slug=f"{slug}-of-peru")
    news_index.add_child(instance=item)
    assert item.pk
