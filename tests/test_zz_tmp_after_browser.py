from wagtail.models import Site

import pytest

from home.models import HomePage


def _check():
    root = Site.objects.get(is_default_site=True).root_page
    assert isinstance(root.specific, HomePage)


@pytest.mark.django_db
def test_plain_db_after_browser():
    _check()


@pytest.mark.django_db(transaction=True)
def test_transactional_after_browser():
    _check()
