"""The site's own words in Spanish: the catalogue is complete and compiled, the join form, its
errors, dates and the sign-in pauses speak Spanish when Spanish is active (and English when it
is not), and an application made in Spanish gets its emails in Spanish while the membership
secretary's stay English, whoever sends them."""

import datetime
import os
import shutil
import textwrap
import time
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

import polib
import pytest

from core import catalogues, signin
from members import notifications
from members.forms import ApplicationForm, started_token
from members.models import ApplicationEmail, MembershipApplication, MembershipSettings
from tests.factories import JoinPageFactory, MembershipApplicationFactory, MembershipTierFactory

ROOT = Path(__file__).resolve().parent.parent
SPANISH = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
Kind = ApplicationEmail.Kind


class TestTheCatalogue:
    def test_the_spanish_catalogue_is_the_one_found(self):
        assert SPANISH in catalogues.po_files()

    def test_every_catalogue_is_compiled_and_current(self):
        stale = [str(po) for po in catalogues.po_files() if catalogues.is_stale(po)]
        assert not stale, f"Run `manage.py compile_catalogues` (make does): {stale} changed"

    def test_every_message_is_translated_and_none_is_fuzzy(self):
        for po in catalogues.po_files():
            left = catalogues.unfinished(catalogues.load(po))
            assert not left, f"{po}: not translated or fuzzy: {[e.msgid for e in left]}"

    def test_it_has_what_the_templates_and_forms_say(self):
        # A few messages from each kind of source, so a catalogue made from the wrong tree fails.
        msgids = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(SPANISH))}
        for wanted in [
            (None, "Skip to main content"),
            ("the home page", "Home"),
            (None, "Enter your full name."),
            (None, "Your application to join the %(site_name)s"),
            (None, "%(minutes)d minute"),
            (None, "news item"),
            (None, "briefing page"),
        ]:
            assert wanted in msgids

    @pytest.fixture
    def scratch_locale(self, settings, monkeypatch):
        """A locale folder makemessages writes to instead of locale/ (which is then ignored): it
        picks the first one whose parent holds the sources, so it sits in the checkout, hidden so
        that it is never scanned."""
        folder = ROOT / f".makemessages-{os.getpid()}"
        settings.LOCALE_PATHS = [folder]
        monkeypatch.chdir(ROOT)
        yield folder
        shutil.rmtree(folder, ignore_errors=True)

    @pytest.mark.skipif(not shutil.which("xgettext"), reason="makemessages needs gettext")
    def test_it_holds_every_message_the_code_has(self, scratch_locale):
        # What makemessages finds now, beside what the catalogue has: a string wrapped since
        # the catalogue was last made (or one no longer used) fails here.
        before = SPANISH.read_bytes()
        call_command(
            "makemessages",
            locale=["es"],
            ignore_patterns=["locale", "tests"],
            verbosity=0,
            add_location="file",
        )
        assert SPANISH.read_bytes() == before
        fresh = polib.pofile(str(scratch_locale / "es" / "LC_MESSAGES" / "django.po"))
        kept = polib.pofile(str(SPANISH))
        found = {(entry.msgctxt, entry.msgid) for entry in fresh}
        held = {(entry.msgctxt, entry.msgid) for entry in kept if not entry.obsolete}
        assert not found - held, (
            "not in the catalogue: run makemessages (docs/architecture.md) and translate"
        )
        assert not held - found, "no longer used: run makemessages (docs/architecture.md)"

    def test_django_reads_it(self):
        with translation.override("es"):
            assert translation.gettext("Skip to main content") == "Saltar al contenido principal"
            assert translation.pgettext("the home page", "Home") == "Inicio"
        with translation.override("en-gb"):
            assert translation.gettext("Skip to main content") == "Skip to main content"


def write_po(folder, body, language="es"):
    po = Path(folder) / language / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    header = textwrap.dedent(
        """\
        msgid ""
        msgstr ""
        "Content-Type: text/plain; charset=UTF-8\\n"
        "Plural-Forms: nplurals=2; plural=(n != 1);\\n"

        """
    )
    po.write_text(header + textwrap.dedent(body), encoding="utf-8")
    return po


class TestCompileCatalogues:
    @pytest.fixture
    def locale(self, tmp_path, settings):
        settings.LOCALE_PATHS = [tmp_path]
        return tmp_path

    def test_builds_a_missing_mo_then_only_when_the_po_is_newer(self, locale):
        po = write_po(locale, 'msgid "Search"\nmsgstr "Buscar"\n')
        mo = po.with_suffix(".mo")
        call_command("compile_catalogues", verbosity=0)
        assert {entry.msgid: entry.msgstr for entry in polib.mofile(str(mo))} == {
            "Search": "Buscar"
        }
        assert not catalogues.is_stale(po)

        built = mo.stat().st_mtime_ns
        call_command("compile_catalogues", verbosity=0)
        assert mo.stat().st_mtime_ns == built  # up to date: left alone

        write_po(locale, 'msgid "Search"\nmsgstr "Búsqueda"\n')
        os.utime(po, ns=(built + 10**9, built + 10**9))
        assert catalogues.is_stale(po)
        call_command("compile_catalogues", verbosity=0)
        assert [entry.msgstr for entry in polib.mofile(str(mo))] == ["Búsqueda"]

    @pytest.mark.parametrize(
        "body, says",
        [
            ('msgid "Search"\nmsgstr "Buscar\n', "line 7: syntax error"),
            ('msgid "Search"\nmsgstr Buscar\n', "line 7: syntax error"),
            (
                'msgid "Search"\nmsgstr "Buscar"\n\nmsgid "Search"\nmsgstr "Busca"\n',
                "already exists",
            ),
            (
                '#, python-format\nmsgid "Paused for %(wait)s."\nmsgstr "En pausa %(espera)s."\n',
                "espera, which the English does not have",
            ),
            (
                '#, python-format\nmsgid "Paused for %(wait)s."\nmsgstr "En pausa."\n',
                "leaves out wait",
            ),
        ],
    )
    def test_refuses_a_broken_catalogue_and_writes_nothing(self, locale, body, says):
        po = write_po(locale, body)
        with pytest.raises(CommandError) as raised:
            call_command("compile_catalogues", verbosity=0)
        assert str(po) in str(raised.value)
        assert says in str(raised.value)
        assert not po.with_suffix(".mo").exists()
        assert list(po.parent.iterdir()) == [po]  # no temporary file left either

    def test_a_plural_form_may_leave_the_number_out(self, locale):
        po = write_po(
            locale,
            """\
            #, python-format
            msgid "%(n)s problem"
            msgid_plural "%(n)s problems"
            msgstr[0] "Un problema"
            msgstr[1] "%(n)s problemas"
            """,
        )
        call_command("compile_catalogues", verbosity=0)
        assert po.with_suffix(".mo").exists()

    def test_fuzzy_and_empty_entries_are_named_and_left_in_english(self, locale, capsys):
        po = write_po(
            locale,
            """\
            msgid "Search"
            msgstr "Buscar"

            #, fuzzy
            msgid "Theme"
            msgstr "Tem"

            msgid "Order"
            msgstr ""
            """,
        )
        assert [e.msgid for e in catalogues.unfinished(catalogues.load(po))] == ["Theme", "Order"]
        call_command("compile_catalogues", verbosity=0)
        assert "2 message(s) fuzzy or untranslated" in capsys.readouterr().err
        assert [e.msgid for e in polib.mofile(str(po.with_suffix(".mo")))] == ["Search"]


@pytest.fixture
def join_page(home_page):
    return JoinPageFactory(parent=home_page)


@pytest.fixture
def tier(db):
    return MembershipTierFactory(name="Individual", annual_fee=Decimal("25.00"))


@pytest.fixture
def secretary(home_page):
    membership_settings = MembershipSettings.for_site(home_page.get_site())
    membership_settings.secretary_email = "secretary@example.org"
    membership_settings.save()
    return membership_settings.secretary_email


def serve(page, data=None):
    """The page's answer to a GET, or to a POST of `data`, in whatever language is active.

    Straight to the page, past the middleware: the language is the test's, however the site
    comes to choose it from the request."""
    factory = RequestFactory()
    request = factory.post(page.url, data) if data is not None else factory.get(page.url)
    request.user = AnonymousUser()
    # As Wagtail's serve view does: the route (the join page's form view), then the page.
    route = page.route(request, [])
    response = route.page.serve(request, *route.args, **route.kwargs)
    if hasattr(response, "render"):
        response.render()
    return response


def an_application(tier_choice, **overrides):
    return {
        "full_name": "Rosa Huamán Quispe",
        "email": "rosa@example.org",
        "address": "",
        "country": "Perú",
        "tier": tier_choice.pk,
        "heard_about": "",
        "consent": "on",
        "started": started_token(time.time() - 10),
        "leave_blank": "",
    } | overrides


class TestTheJoinFormInSpanish:
    def test_labels_help_and_the_tiers(self, join_page, tier):
        with translation.override("es"):
            html = serve(join_page).content.decode()
        for spanish in [
            "Tipos de membresía",
            "£25 al año",
            "Solicite su afiliación",
            "Nombre completo",
            "Correo electrónico",
            "Le enviaremos una confirmación a esta dirección.",
            "Dirección de su domicilio",
            "Código postal",
            "Gift Aid (solo para contribuyentes del Reino Unido)",
            "Deseo acogerme a Gift Aid por mi cuota de membresía y por cualquier donación que "
            "haga en el futuro o que haya hecho en los últimos 4 años al Peru Support Group.",
            "Por favor, avise al Peru Support Group si desea cancelar esta declaración",
            "Por ahora no tiene que pagar nada.",
            'value="Reino Unido"',
            "Individual (£25 al año)",
            "Acepto que el Peru Support Group conserve mis datos",
            "Enviar mi solicitud",
            "Saltar al contenido principal",
        ]:
            assert spanish in html
        assert "Full name" not in html
        assert "Send my application" not in html

    def test_english_is_still_english(self, join_page, tier):
        with translation.override("en-gb"):
            html = serve(join_page).content.decode()
        for english in [
            "Membership types",
            "£25 a year",
            "Full name",
            'value="United Kingdom"',
            "Individual (£25 a year)",
            "Send my application",
            "Skip to main content",
        ]:
            assert english in html
        assert "Nombre completo" not in html

    def test_error_messages(self, join_page, tier):
        empty = an_application(tier, full_name="", email="not-an-address", consent=None, tier="")
        empty = {key: value for key, value in empty.items() if value is not None}
        with translation.override("es"):
            html = serve(join_page, empty).content.decode()
        for spanish in [
            "Corrija los 4 problemas que se indican abajo",
            "Ingrese su nombre completo.",
            "Ingrese un correo electrónico como nombre@ejemplo.org.",
            "Elija un tipo de membresía.",
            "Acepte que conservemos sus datos; de lo contrario, no podremos tramitar su membresía.",
        ]:
            assert spanish in html
        assert not MembershipApplication.objects.exists()

        with translation.override("en-gb"):
            html = serve(join_page, empty).content.decode()
        assert "Please correct the 4 problems below" in html
        assert "Enter your full name." in html

    def test_gift_aid_needs_the_home_address_and_postcode_in_spanish_too(
        self, join_page, tier, django_capture_on_commit_callbacks
    ):
        data = an_application(tier, gift_aid="on", country="Reino Unido")
        with translation.override("es"):
            html = serve(join_page, data).content.decode()
        for spanish in [
            "Ingrese la dirección de su domicilio, que HMRC (la autoridad tributaria del Reino "
            "Unido) necesita para Gift Aid, o desmarque la declaración de Gift Aid.",
            "Ingrese su código postal, que HMRC (la autoridad tributaria del Reino Unido) necesita "
            "para Gift Aid, o desmarque la declaración de Gift Aid.",
        ]:
            assert spanish in html
        assert not MembershipApplication.objects.exists()

        # The positive control: with them, the declaration is kept in the words it was made in.
        data |= {"address": "12 Acacia Avenue\nLondres", "postcode": "sw1a 1aa"}
        with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
            assert serve(join_page, data).status_code == 302
        saved = MembershipApplication.objects.get()
        assert saved.postcode == "SW1A 1AA"
        assert saved.gift_aid_wording.startswith("Deseo acogerme a Gift Aid por mi cuota")
        assert saved.gift_aid_wording.endswith("sobre sus ingresos y/o sus ganancias de capital.")
        body = sent_to("rosa@example.org").body
        assert f"Usted hizo esta declaración de Gift Aid:\n\n{saved.gift_aid_wording}" in body
        assert "Por ahora no tiene que pagar nada." in body

    def test_a_form_error_in_spanish_and_in_english(self, tier):
        data = an_application(tier, full_name="Rosa\x07")
        with translation.override("es"):
            form = ApplicationForm(data)
            assert not form.is_valid()
            assert form.errors["full_name"] == [
                "Use solo letras y signos de puntuación comunes (en una sola línea)."
            ]
        with translation.override("en-gb"):
            form = ApplicationForm(data)
            assert not form.is_valid()
            assert form.errors["full_name"] == [
                "Please use ordinary letters and punctuation only (one line)."
            ]


class TestOtherWords:
    def test_dates(self):
        date = datetime.date(2016, 11, 27)
        with translation.override("es"):
            html = render_to_string("includes/date.html", {"date": date})
        assert html.strip() == '<time datetime="2016-11-27">27 de noviembre de 2016</time>'
        with translation.override("en-gb"):
            html = render_to_string("includes/date.html", {"date": date})
        assert html.strip() == '<time datetime="2016-11-27">27 November 2016</time>'

    def test_the_sign_in_pause(self):
        with translation.override("es"):
            assert signin.wait_text(60) == "1 minuto"
            assert signin.wait_text(900) == "15 minutos"
        with translation.override("en-gb"):
            assert signin.wait_text(60) == "1 minute"
            assert signin.wait_text(900) == "15 minutes"

    def test_the_sign_in_page(self, db):
        def sign_in_page():
            request = RequestFactory().get("/_util/login/")
            request.user = AnonymousUser()
            request.session = {}
            return signin.SignInView.as_view()(request).render().content.decode()

        with translation.override("es"):
            html = sign_in_page()
        assert "Inicie sesión con su nombre de usuario y su contraseña." in html
        assert ">Contraseña</label>" in html
        with translation.override("en-gb"):
            html = sign_in_page()
        assert ">Password</label>" in html

    def test_the_error_page_that_needs_no_database(self):
        with translation.override("es"):
            html = render_to_string("500.html")
        assert "Lo sentimos, algo salió mal" in html
        assert "Saltar al contenido principal" in html
        with translation.override("en-gb"):
            assert "Sorry, something went wrong" in render_to_string("500.html")


def sent_to(recipient):
    [message] = [message for message in mail.outbox if message.to == [recipient]]
    return message


def assert_secretary_in_english(message):
    assert message.subject == "New membership application: Rosa Huamán Quispe"
    assert "A new membership application has arrived" in message.body
    assert "Membership type: Individual (£25 a year)" in message.body


class TestApplicationLanguage:
    def test_made_in_spanish_the_applicant_reads_spanish_and_the_secretary_english(
        self, join_page, tier, secretary, django_capture_on_commit_callbacks
    ):
        with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
            response = serve(join_page, an_application(tier))
        assert response.status_code == 302
        application = MembershipApplication.objects.get()
        assert application.language == "es"

        applicant = sent_to("rosa@example.org")
        assert applicant.subject == "Su solicitud de afiliación al Peru Support Group"
        assert applicant.body.startswith("Estimado/a Rosa Huamán Quispe:\n")
        assert "miembro del Peru Support Group (Individual (£25 al año))" in applicant.body
        assert "Thank you" not in applicant.body
        assert_secretary_in_english(sent_to(secretary))

    def test_made_in_english_everything_is_english(
        self, join_page, tier, secretary, django_capture_on_commit_callbacks
    ):
        with translation.override("en-gb"), django_capture_on_commit_callbacks(execute=True):
            serve(join_page, an_application(tier))
        assert MembershipApplication.objects.get().language == "en-gb"
        applicant = sent_to("rosa@example.org")
        assert applicant.subject == "Your application to join the Peru Support Group"
        assert applicant.body.startswith("Dear Rosa Huamán Quispe,\n")
        assert "as a member (Individual (£25 a year))" in applicant.body
        assert_secretary_in_english(sent_to(secretary))

    def test_the_command_writes_in_the_application_language_whatever_is_active(self, tier):
        application = spanish_application(tier)
        with translation.override("en-gb"):
            call_command("send_membership_emails", verbosity=0)
        assert sent_to(application.email).subject.startswith("Su solicitud de afiliación")
        assert_secretary_in_english(sent_to("secretary@example.org"))

    def test_the_language_shows_in_the_register(self, admin_client, tier):
        application = spanish_application(tier)
        url = f"/admin/members/membershipapplication/inspect/{application.pk}/"
        page = admin_client.get(url).content.decode()
        assert "Español" in page
        edit = admin_client.get(f"/admin/members/membershipapplication/edit/{application.pk}/")
        assert 'name="language"' not in edit.content.decode()  # not editable by hand


def spanish_application(tier):
    application = MembershipApplicationFactory(
        full_name="Rosa Huamán Quispe", email="rosa@example.org", tier=tier, language="es"
    )
    for kind, recipient in [
        (Kind.APPLICANT, application.email),
        (Kind.SECRETARY, "secretary@example.org"),
    ]:
        ApplicationEmail.objects.create(application=application, kind=kind, recipient=recipient)
    return application


@pytest.mark.django_db(transaction=True)
def test_the_background_worker_writes_in_the_application_language(tier, home_page):
    # The worker's thread has no request, and so no language of its own but the default.
    application = spanish_application(tier)
    with translation.override("en-gb"):
        notifications.worker.submit(application.pk)
        assert notifications.worker.wait_until_idle(timeout=10)
    assert sent_to(application.email).subject.startswith("Su solicitud de afiliación")
    assert_secretary_in_english(sent_to("secretary@example.org"))
