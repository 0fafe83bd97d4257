import os

from django.core.cache import cache

from wagtail.models import Site

import pytest

from tests.factories import BriefingIndexPageFactory, NewsIndexPageFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser tests
# are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached (the local-memory cache outlives tests)."""
    cache.clear()


@pytest.fixture
def home_page(db):
    """The HomePage the migrations made the root of the default site."""
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def news_index(home_page):
    return NewsIndexPageFactory(parent=home_page)


@pytest.fixture
def briefing_index(home_page):
    return BriefingIndexPageFactory(parent=home_page)
