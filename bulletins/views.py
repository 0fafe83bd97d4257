"""The subscription pages: sign up, "check your email", confirm, and the subscriber's own page.

None needs a reader to sign in, and every one is `private, no-store`: each carries a form or a
reader's own link. The rules are bulletins/subscriptions.py's; these views only ask and answer.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext, pgettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core.forms import privacy_url
from core.signin import wait_text
from core.throttling import client_address, forget, record, refuse, subject

from . import subscriptions
from .forms import LanguageForm, SignUpForm, consent_text, consent_wording
from .models import Subscriber
from .subscriptions import Outcome

ONE_CLICK = "One-Click"
# A language's name inside a sentence of the reader's language ("llegarán en español").
LANGUAGE_NAMES = {
    "en-gb": pgettext_lazy("a language, in a sentence", "English"),
    "es": pgettext_lazy("a language, in a sentence", "Spanish"),
}


def private(response):
    # Each page here is one reader's: their form, their link, their token.
    add_never_cache_headers(response)
    return response


def page(request, template, context=None, status=200):
    return private(render(request, template, context or {}, status=status))


def same_origin(request):
    """Whether the browser says that the post came from one of this site's own pages: True,
    False, or None when it says nothing (an old browser, or a privacy setting)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        own = f"{request.scheme}://{request.get_host()}"
        return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS
    return None


def csrf_passes(request):
    """Django's CSRF check, asked by a view that is exempt from the automatic one."""
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is None


def where_from(request):
    """The address of the page the form was on (the Referer, if it is this site's), kept with
    the consent."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc == request.get_host() and referer.path:
        return referer.path
    return request.path


def render_sign_up(request, form, status=200, **context):
    return page(
        request,
        "bulletins/subscribe.html",
        {"form": form, "consent": consent_text(privacy_url(request)), **context},
        status=status,
    )


@csrf_exempt
def subscribe(request):
    """The sign-up form: POST, then redirect to "check your email", then GET.

    A sign-up form is shown on public pages (the footer, the bulletins), which the cache in
    front keeps for every reader alike: it can carry no CSRF token or cookie. So this view is
    exempt from Django's CSRF check and protected otherwise: a sign-up only sends an email
    (double opt-in), the emails to one address and the sign-ups from one client are limited
    (core.throttling), a robot fills in the trap, and the browser must say the post came from
    this site (`Sec-Fetch-Site: same-origin`, or an `Origin` that is ours). A post that does
    not say so (another site's, or an old browser's) gets this page back, filled in and with
    a CSRF token, asking the reader to confirm: Django's own check then applies.

    The answer is the same whether or not the address is on the list.
    """
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if request.method != "POST":
        return render_sign_up(request, SignUpForm())

    form = SignUpForm(request.POST)
    if not form.is_valid():
        return render_sign_up(request, form)
    trusted = same_origin(request)
    if not (trusted or (trusted is None and csrf_passes(request))):
        return render_sign_up(request, SignUpForm(initial=form.cleaned_data), confirming=True)

    limit = subscriptions.signups_limit()
    client = subject(client_address(request))
    ids = record((limit, client))
    if limit.exceeded(client):
        forget(ids)
        wait = limit.retry_after(client)
        refuse(request, wait)
        form.add_error(
            None,
            ValidationError(
                gettext(
                    "Too many sign-ups have come from your connection. Please try again in "
                    "%(wait)s."
                ),
                code="paused",
                params={"wait": wait_text(wait)},
            ),
        )
        return render_sign_up(request, form)
    if not form.is_trapped():
        data = form.cleaned_data
        subscriptions.sign_up(
            data["email"],
            name=data["name"],
            language=data["language"],
            source=Subscriber.Source.SIGN_UP,
            source_detail=where_from(request),
            consent_wording=consent_wording(data["kind"]),
        )
    return redirect("bulletins:check_your_email")


def check_your_email(request):
    """The same words whatever the sign-up did: the list is never revealed."""
    return page(
        request,
        "bulletins/check_your_email.html",
        {"days": settings.BULLETIN_CONFIRMATION_DAYS},
    )


# 200 for what a link can honestly come to; a link that was never one of ours is not found.
OUTCOME_STATUS = {Outcome.INVALID: 404}


@csrf_protect
def confirm(request, token):
    """The link in the confirmation email.

    Opening it (GET) confirms nothing: mail providers' link scanners open every link in an
    email before the reader does. It shows a "Confirm my subscription" button, which posts
    back here (with Django's CSRF token: this page is private), and the post confirms. A link
    that cannot confirm (already used, expired, replaced by a newer one, not ours) gets a page
    saying so, never an error.
    """
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    confirming = request.method == "POST"
    found = subscriptions.confirm(token) if confirming else subscriptions.check(token)
    context = {
        "outcome": str(found.outcome),
        "subscriber": found.subscriber,
        "masked_email": subscriptions.masked(found.subscriber.email) if found.subscriber else "",
    }
    if found.outcome in (Outcome.CONFIRMED, Outcome.ALREADY_CONFIRMED):
        context["manage_path"] = manage_path(found.subscriber)
    return page(
        request,
        "bulletins/confirm.html",
        context,
        status=OUTCOME_STATUS.get(found.outcome, 200),
    )


def manage_path(subscriber):
    return reverse("bulletins:manage", kwargs={"key": subscriber.key})


@csrf_exempt
def manage(request, key):
    """The subscriber's own page, reached from every email: their language, or leave.

    The key in the address is the capability: whoever holds the link may change this one
    subscription and nothing else, as the link in an email means to allow. So the page's posts
    need no CSRF token, and neither does RFC 8058's one-click unsubscribe: mail providers post
    `List-Unsubscribe=One-Click` to this address with no cookie or token, and get a short
    answer in text.
    """
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is None:
        return page(request, "bulletins/manage_not_found.html", status=404)

    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") == ONE_CLICK:
            subscriptions.unsubscribe(subscriber)
            return private(
                HttpResponse(
                    gettext("You have left Peru Update: no more bulletins will be sent."),
                    content_type="text/plain; charset=utf-8",
                )
            )
        action = request.POST.get("action")
        if action == "leave":
            subscriptions.unsubscribe(subscriber)
            return redirect(manage_path(subscriber))
        if action == "language":
            form = LanguageForm(request.POST)
            if form.is_valid():
                subscriptions.change_language(subscriber, form.cleaned_data["language"])
                # The page again, in the language chosen.
                return redirect(
                    subscriptions.subscription_path("manage", subscriber.language, key=key)
                    + "?saved=language"
                )
            return manage_page(request, subscriber, form, status=200)
        return manage_page(request, subscriber, status=400)
    return manage_page(request, subscriber)


def manage_page(request, subscriber, form=None, status=200):
    language = subscriptions.subscriber_language(subscriber.language)
    form = form or LanguageForm(initial={"language": language})
    context = {
        "subscriber": subscriber,
        "masked_email": subscriptions.masked(subscriber.email),
        "language_form": form,
        "has_left": subscriptions.has_left(subscriber),
        "saved": request.GET.get("saved") == "language",
        "language_name": LANGUAGE_NAMES.get(language, language),
    }
    return page(request, "bulletins/manage.html", context, status=status)
