import os
import socket
import threading

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

import pytest
from wagtail_localize.models import Translation

from config.mail import SMTP, mail_settings, uses_mailers
from core.outbox import site_mail
from home.models import HomePage
from regions.data import load_regions
from regions.models import Region
from tests.factories import BriefingIndexPageFactory, NewsIndexPageFactory
from tests.smtp import SMTPServer

# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser tests
# are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Under pytest-xdist (make test), the tests that empty their Redis database (TEST_REDIS_URL, 15
# by default) get one per worker: 15, 14, ... down to 1.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and "TEST_REDIS_URL" not in os.environ:
    os.environ["TEST_REDIS_URL"] = f"redis://127.0.0.1:6379/{15 - int(_worker[2:]) % 15}"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile`, keeping pytest-django's order in every worker.

    pytest-django runs the transactional tests after all others, because they end by emptying
    every table (the migrations' data included). xdist's loadfile would hand a worker a whole
    file, its transactional tests included, then another file's ordinary ones. Here a unit of
    work is a file's run of consecutive tests in that order, and units go out in that order, so
    no worker runs an ordinary test after a transactional one.
    """
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class InOrder(LoadFileScheduling):
        def __init__(self, config, log=None):
            super().__init__(config, log)
            config.option.loadscopereorder = False  # largest first would undo the order
            self.runs = None

        def _split_scope(self, nodeid):
            if self.runs is None:
                self.runs, previous, seen = {}, None, {}
                for each in self.collection:
                    file = each.split("::", 1)[0]
                    if file != previous:
                        seen[file] = seen.get(file, -1) + 1
                        previous = file
                    self.runs[each] = f"{file} ({seen[file]})"
            return self.runs[nodeid]

    return InOrder(config, log)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached (local-memory caches outlive tests)."""
    for cache in caches.all():
        cache.clear()


def default_home_page():
    """The HomePage the migrations made the root of the default site.

    Transactional tests (the live-server ones, and a few others) end by emptying every table,
    the migrations' tree included; pytest-django runs them after all others, so a later one
    rebuilds that tree here.
    """
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    # wagtail-localize's "Can submit translations" is made by one of its migrations, not from
    # a model, so a flush takes it away too.
    Permission.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Translation),
        codename="submit_translation",
        defaults={"name": "Can submit translations"},
    )
    # Peru's regions, which a migration loads, go with a flush too.
    if not Region.objects.exists():
        load_regions(Region)
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        return site.root_page.specific
    locale = Locale.objects.first() or Locale.objects.create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = root.add_child(instance=HomePage(title="Peru Support Group", slug="home"))
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home


@pytest.fixture
def home_page(db):
    return default_home_page()


def shared_across_tests(django_db_blocker, build):
    """For a module- or class-scoped fixture: `build()` runs once, inside a transaction held
    open across the tests of its scope and rolled back after them. Each test's own transaction
    nests inside it as a savepoint, so what a test changes is undone before the next one
    starts. Every test in that scope sees what was built, whether it asks for it or not; not
    for transactional tests (pytest-django runs those after every other)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            result = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield result
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def _demo_site_of_the_module(django_db_setup, django_db_blocker):
    yield from shared_across_tests(
        django_db_blocker, lambda: call_command("load_demo_content", verbosity=0)
    )


@pytest.fixture
def demo_site(_demo_site_of_the_module, db):
    """What `load_demo_content` builds (without the demo accounts), loaded once per module:
    loading it takes seconds, and the tests of a module that reads it share one copy. The
    home page, read afresh for each test."""
    return default_home_page()


@pytest.fixture
def news_index(home_page):
    return NewsIndexPageFactory(parent=home_page)


@pytest.fixture
def briefing_index(home_page):
    return BriefingIndexPageFactory(parent=home_page)


def translate(page, locale, **fields):
    """`page` translated into `locale` and published, with `fields` set on the translation
    (its parent must have been translated first)."""
    translation = page.specific.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation.specific


@pytest.fixture
def spanish(db):
    """The Spanish locale (the migrations add it; transactional tests may have emptied it)."""
    return Locale.objects.get_or_create(language_code="es")[0]


@pytest.fixture
def spanish_home(home_page, spanish):
    """The home page in Spanish, published."""
    return translate(home_page, spanish, title="Grupo de Apoyo al Perú", slug="inicio")


# A mail server that accepts connections and never says a word.


@pytest.fixture
def silent_smtp():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def use_smtp(settings, port, timeout):
    if uses_mailers():  # Django 6.1 and later (config/mail.py)
        settings.MAILERS = mail_settings(
            SMTP, host="127.0.0.1", port=port, use_tls=False, use_ssl=False, timeout=timeout
        )["MAILERS"]
        return
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = timeout


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) that the site's mail goes to: `.handler.messages` holds
    what it accepted, `.handler.refuse` makes it refuse recipients (tests/smtp.py)."""
    with SMTPServer() as server:
        use_smtp(settings, server.port, timeout=5)
        yield server


@pytest.fixture(autouse=True)
def site_mail_sent():
    """Mail handed to the background sender (core.outbox.send_soon) goes within its test."""
    yield
    assert site_mail.wait_until_idle(timeout=30)
