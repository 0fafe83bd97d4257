"""Sign-in protection: every door that checks a password counts its failures in the database.

The doors: the admin's sign-in (/admin/login/), the site's own (/_util/login/, which opens the
admin too), the form of password-protected pages (/_util/authenticate_with_password/...) and
that of password-protected document collections (/documents/authenticate_with_password/...).
The first two share one form class, `LockoutLoginForm`; the others are Wagtail's views behind
`authenticate_with_password` and `authenticate_with_document_password` here. For a page or
document password the "account" is the restriction.

The rules (limits are settings, see config/settings/base.py):

(a) An account and address pair is paused after SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS (5)
    failures within SIGNIN_FAILURE_WINDOW_SECONDS (15 minutes). This is the rule a guesser
    meets. It pauses only the guesser's own address: an account cannot be locked out by
    someone wrong-guessing its name from elsewhere, the weakness of a per-account lockout.
(b) An address is paused after SIGNIN_FAILURES_PER_ADDRESS (20) failures in that window,
    whatever accounts and doors they were at: one address cannot spread its guesses over
    many accounts.
(c) An account with SIGNIN_FAILURES_PER_ACCOUNT (100) failures within
    SIGNIN_ACCOUNT_WINDOW_SECONDS (an hour), from anywhere, is under a distributed attack
    (many addresses, each below (a)). Until the failures age out, an address that has not
    signed in to it within SIGNIN_KNOWN_ADDRESS_DAYS (90) is slowed, never refused: its first
    try is always checked, but after a failure it waits out the window before the next
    (one try per window instead of five). Its usual users carry on as before, and a person
    with the right password gets in from anywhere. The active superusers are emailed once
    per attack (once per account window), after the response.

Every door and both sign-in pages count together: five wrong passwords at the admin and at
the site's page are the same five. A success clears its pair's failures (not the address's
or the account's: a guesser who owns one account cannot wipe their own record with it) and
records the address as known to the account. A refused attempt is not counted, as its
password is never checked, so a correct password from an address that has not itself guessed
wrong is never refused because someone else did.

Each attempt is recorded before its password is checked and taken back if it succeeds or is
refused (core/throttling.py): simultaneous guesses cannot slip past a limit together. Counts
live in core.ThrottleEvent, shared by every process and untouched by the cache; subjects are
keyed hashes (core.throttling.subject), so no username or address is stored. A paused door
draws its page with a message saying how long to wait and what to do, answered 429 with
Retry-After (ThrottleMiddleware).
Failed and refused attempts are logged, one line each, without the password or the username
(an account is named by the start of its keyed subject, enough to tell one from another).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail import views as wagtail_views
from wagtail.admin.forms.auth import LoginForm
from wagtail.admin.views.account import get_user_login_form, password_reset_enabled
from wagtail.documents.views import serve as document_views
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction

from .outbox import send_soon
from .throttling import Limit, client_address, forget, record, refuse, subject

logger = logging.getLogger(__name__)

# Scopes of core.ThrottleEvent. KNOWN events are successes: an address an account trusts;
# ALERT events the administrators told of an attack on an account.
PAIR, ADDRESS, ACCOUNT, KNOWN = "signin-pair", "signin-address", "signin-account", "signin-known"
ALERT = "signin-alert"


@dataclass(frozen=True)
class Rules:
    pair: Limit
    address: Limit
    account: Limit
    known: Limit
    # Under attack (c): a new address's one try per window.
    one_try: Limit


def rules() -> Rules:
    """The limits as the settings stand now (read per attempt, so tests may change them)."""
    window = settings.SIGNIN_FAILURE_WINDOW_SECONDS
    return Rules(
        pair=Limit(PAIR, settings.SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS, window),
        address=Limit(ADDRESS, settings.SIGNIN_FAILURES_PER_ADDRESS, window),
        account=Limit(
            ACCOUNT, settings.SIGNIN_FAILURES_PER_ACCOUNT, settings.SIGNIN_ACCOUNT_WINDOW_SECONDS
        ),
        known=Limit(KNOWN, 1, settings.SIGNIN_KNOWN_ADDRESS_DAYS * 86400),
        one_try=Limit(PAIR, 1, window),
    )


def longest_failure_window() -> int:
    """Seconds beyond which no failure counts any more (for purge_throttle_events)."""
    current = rules()
    return max(current.pair.seconds, current.address.seconds, current.account.seconds)


def known_address_seconds() -> int:
    return rules().known.seconds


# Other doors (the join and contact forms) keep their own limits; none counts over more than a
# day, so a day's events are always kept, whatever the sign-in windows are.
COUNTS_KEPT_AT_LEAST_SECONDS = 86400


def counts_kept_seconds() -> int:
    """Seconds a throttle count (a failed sign-in, a form's post) is kept before
    purge_throttle_events deletes it; the privacy notice states it."""
    return max(COUNTS_KEPT_AT_LEAST_SECONDS, longest_failure_window())


def wait_text(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("%(minutes)d minute", "%(minutes)d minutes", minutes) % {"minutes": minutes}


@dataclass(frozen=True)
class Refusal:
    rule: str  # "pair", "address" or "account"
    retry_after: int


class Attempt:
    """One password tried at a door, for one account, from the request's client address."""

    def __init__(self, request: HttpRequest, door: str, account: str, label: str = ""):
        self.request = request
        self.door = door
        self.address = client_address(request)
        self.rules = rules()
        self.pair_key = subject(account, self.address)
        self.address_key = subject(self.address)
        self.account_key = subject(account)
        # What the logs call the account: never a username someone typed.
        self.label = label or f"user-{self.account_key[:12]}"
        self.account = account
        self.ids: list[int] = []

    def start(self) -> Refusal | None:
        """Count the attempt; a `Refusal` if the password must not be checked."""
        r = self.rules
        self.ids = record(
            (r.pair, self.pair_key), (r.address, self.address_key), (r.account, self.account_key)
        )
        if r.pair.exceeded(self.pair_key):
            rule, limit, key = "pair", r.pair, self.pair_key
        elif r.address.exceeded(self.address_key):
            rule, limit, key = "address", r.address, self.address_key
        elif (
            r.account.exceeded(self.account_key)
            and not r.known.reached(self.pair_key)
            and r.one_try.exceeded(self.pair_key)
        ):
            rule, limit, key = "account", r.one_try, self.pair_key
        else:
            return None
        forget(self.ids)
        refusal = Refusal(rule, limit.retry_after(key))
        refuse(self.request, refusal.retry_after)
        logger.warning(
            "Sign-in refused: door=%s account=%s address=%s rule=%s retry_after=%d",
            self.door,
            self.label,
            self.address,
            rule,
            refusal.retry_after,
        )
        return refusal

    def failed(self) -> None:
        logger.warning(
            "Sign-in failed: door=%s account=%s address=%s", self.door, self.label, self.address
        )
        if self.rules.account.exceeded(self.account_key):
            self.alert()

    def alert(self) -> None:
        """Tell the administrators of the attack, once per account window: of simultaneous
        failures, only the one whose record came first sends it."""
        alerts = Limit(ALERT, 1, self.rules.account.seconds)
        if alerts.reached(self.account_key):
            return
        (mine,) = record((alerts, self.account_key))
        if alerts.oldest(self.account_key) != mine:
            forget([mine])
            return
        recipients = list(
            get_user_model()
            .objects.filter(is_active=True, is_superuser=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        logger.warning("Sign-in attack: door=%s account=%s", self.door, self.label)
        if recipients:
            minutes = self.rules.pair.seconds // 60
            body = render_to_string(
                "core/email/attack_alert.txt",
                {
                    "door": self.door,
                    "account": self.described(),
                    "failures": self.rules.account.events,
                    "hours": max(1, self.rules.account.seconds // 3600),
                    "minutes": minutes,
                    "site_name": settings.WAGTAIL_SITE_NAME,
                },
            )
            subject = f"{settings.WAGTAIL_SITE_NAME}: many wrong passwords at {self.door}"
            send_soon(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients))

    def described(self) -> str:
        """What the administrators' email calls the account: by its username where an account
        has it, so that they can act (the logs never name it), else as the logs do."""
        kind, _, username = self.account.partition(":")
        if kind != "user":
            return self.label
        if get_user_model().objects.filter(username=username).exists():
            return f"the account “{username}”"
        return "a username that matches no account on the site"

    def succeeded(self) -> None:
        r = self.rules
        forget(self.ids)
        r.pair.clear(self.pair_key)
        # One row per known pair, dated by its latest success.
        r.known.clear(self.pair_key)
        r.known.record(self.pair_key)


class LockoutLoginForm(LoginForm):
    """Wagtail's sign-in form, for the admin and the site alike, with the throttle in front of
    the password check."""

    paused_message = _(
        "Too many failed sign-in attempts. For your security, signing in from your "
        "connection is paused for %(wait)s. Please wait and try again. If you have forgotten "
        "your password, reset it (‘Forgotten password?’) or ask another administrator."
    )
    under_attack_message = _(
        "Too many failed sign-in attempts have been made to this account from elsewhere, so "
        "for its protection a connection it has not been used from before has one try at a "
        "time. Please try again in %(wait)s, or from a network where you have signed in "
        "before, or ask another administrator for help."
    )

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Wagtail's form leaves the label to Django's default, the field's name: untranslated.
        self.fields["password"].label = _("Password")
        # Password managers fill the right fields.
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()  # the missing field's error: no password was checked
        attempt = Attempt(self.request, self.request.path, f"user:{username}")
        refusal = attempt.start()
        if refusal is not None:
            message = self.under_attack_message if refusal.rule == "account" else None
            raise ValidationError(
                message or self.paused_message,
                code="paused",
                params={"wait": wait_text(refusal.retry_after)},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            attempt.failed()
            raise
        attempt.succeeded()
        return cleaned


class SignInView(auth_views.LoginView):
    """The site's sign-in page (/_util/login/): the admin's form, in the site's own style.

    It signs in to the admin too, so it is throttled like the admin's. Without a safe `next`
    address it lands on LOGIN_REDIRECT_URL, the home page.
    """

    template_name = "core/sign_in.html"

    def get_form_class(self):
        return get_user_login_form()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Django's LoginView names the site after the request's host; the header shows ours.
        context["site_name"] = settings.WAGTAIL_SITE_NAME
        if password_reset_enabled():
            context["password_reset_url"] = reverse("wagtailadmin_password_reset")
        return context


class PausedPasswordForm(PasswordViewRestrictionForm):
    """The page-password form while paused: it says so and never compares the password."""

    def __init__(self, *args, message: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.paused_message = message

    def clean_password(self):
        raise ValidationError(self.paused_message, code="paused")


PAGE_PASSWORD_PAUSED = _(
    "Too many wrong passwords have been tried. For security, this form is paused for "
    "%(wait)s: please wait and try again. If you are not sure of the password, ask whoever "
    "gave it to you."
)
PAGE_PASSWORD_UNDER_ATTACK = _(
    "This password has been tried too many times from elsewhere, so for now a connection "
    "that has not used it before has one try at a time. Please try again in %(wait)s, or "
    "ask whoever gave you the password."
)


def _password_door(request, door, restriction, check, paused_response):
    """Count a posted password at a restriction's door, as the sign-in form does: Wagtail's
    view (`check`) compares it, and its redirect is a success, any other answer a failure."""
    if not (request.method == "POST" and request.POST.get("password")):
        return check()  # showing the form, or the "required" error: nothing to count
    attempt = Attempt(request, door, f"{door}:{restriction.pk}", f"restriction {restriction.pk}")
    refusal = attempt.start()
    if refusal is not None:
        message = PAGE_PASSWORD_UNDER_ATTACK if refusal.rule == "account" else PAGE_PASSWORD_PAUSED
        form = PausedPasswordForm(
            request.POST,
            instance=restriction,
            message=message % {"wait": wait_text(refusal.retry_after)},
        )
        return paused_response(form)
    response = check()
    if 300 <= response.status_code < 400:
        attempt.succeeded()
    else:
        attempt.failed()
    return response


def authenticate_with_password(request, page_view_restriction_id, page_id):
    """Wagtail's page-password view (wagtail.views.authenticate_with_password), throttled."""
    restriction = get_object_or_404(PageViewRestriction, pk=page_view_restriction_id)
    page = get_object_or_404(Page, pk=page_id).specific
    action_url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk])
    return _password_door(
        request,
        "page-password",
        restriction,
        lambda: wagtail_views.authenticate_with_password(request, restriction.pk, page.pk),
        lambda form: page.serve_password_required_response(request, form, action_url),
    )


def authenticate_with_document_password(request, restriction_id):
    """Wagtail's collection-password view for documents, throttled like a page's."""
    restriction = get_object_or_404(CollectionViewRestriction, pk=restriction_id)
    action_url = reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk])
    template = getattr(
        settings, "WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE", "wagtaildocs/password_required.html"
    )
    return _password_door(
        request,
        "document-password",
        restriction,
        lambda: document_views.authenticate_with_password(request, restriction.pk),
        lambda form: TemplateResponse(request, template, {"form": form, "action_url": action_url}),
    )
