"""What `make run` (config.settings.dev, DEBUG on) shows a developer."""

import pytest

DEV_MIDDLEWARE_CLASS = "core.views.NotFoundPageInDevelopment"


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    return settings


def test_dev_settings_show_the_sites_own_404(debug, client, home_page):
    debug.MIDDLEWARE = [*debug.MIDDLEWARE, DEV_MIDDLEWARE_CLASS]
    for address, heading in (("/no-such-page/", "Page not found"), ("/es/no-existe/", "Página")):
        response = client.get(address)
        html = response.content.decode()
        assert response.status_code == 404
        assert f'<h1 class="page-title">{heading}' in html
        assert 'class="developer-note"' in html
        assert "URLconf" not in html


def test_without_it_django_shows_its_debug_page(debug, client, home_page):
    # The control: what a developer met before.
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'class="page-title"' not in response.content.decode()


def test_the_dev_settings_use_it():
    from config.settings import dev

    assert dev.MIDDLEWARE[-1] == DEV_MIDDLEWARE_CLASS


def test_readers_never_see_the_note(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "developer-note" not in response.content.decode()
