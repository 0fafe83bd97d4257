import os

from wagtail.models import Site

import pytest

from tests.factories import BriefingIndexPageFactory, NewsIndexPageFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser tests
# are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
