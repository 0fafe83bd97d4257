"""Emails about an application: recorded with it, sent after it is committed, never in a request.

An accepted application gets one `ApplicationEmail` row per email (to the membership secretary,
to the applicant) in the transaction that stores it. Once that commits, the application is
handed to this process's background worker, which sends the rows; `send_membership_emails`
(cron, every minute) sends whatever is still due, so an email the worker never reached (a
restart, a dead mail server) still goes. A sender claims a row before sending it, so the
worker and the command never both send one; a failed attempt is retried later, up to
MEMBERSHIP_EMAIL_MAX_ATTEMPTS times, and every attempt is recorded on the row. How is
core.outbox's, which the contact form's emails share.
"""

import logging

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from core.outbox import (
    Outbox,
    Outcome,
    Worker,
    claim_lease,
    message_id,
    one_line,
    retry_delay,
)
from core.outbox import (
    hand_off as hand_off_to,
)

from .models.applications import ApplicationEmail, MembershipApplication

logger = logging.getLogger(__name__)

Kind = ApplicationEmail.Kind
State = ApplicationEmail.State
# The schedule and the worker are core.outbox's, shared with the contact form.
__all__ = ["claim_lease", "queue_emails", "retry_delay", "send_due", "worker"]


def queue_emails(application: MembershipApplication, *, secretary_email: str) -> None:
    """Record the emails a new application needs, and send them once the transaction commits.

    Call inside the transaction that stores (or releases) the application. An email already
    recorded for it is not recorded twice, so it is never sent twice.
    """
    wanted = {Kind.APPLICANT: application.email}
    if secretary_email:
        wanted[Kind.SECRETARY] = secretary_email
    else:
        logger.warning(
            "No membership secretary email is set; application %s not sent on", application.pk
        )
    for kind, recipient in wanted.items():
        ApplicationEmail.objects.get_or_create(
            application=application, kind=kind, defaults={"recipient": recipient}
        )
    transaction.on_commit(lambda: hand_off(application.pk))


def queue_repeat_email(application: MembershipApplication) -> None:
    """Tell the address of a new application that it has been used to apply again (once per
    application, however often): the page says nothing about it, so only the address's owner
    learns that it has applied. Call inside the transaction that stores the repeat."""
    ApplicationEmail.objects.get_or_create(
        application=application, kind=Kind.REPEAT, defaults={"recipient": application.email}
    )
    transaction.on_commit(lambda: hand_off(application.pk))


def hand_off(application_id: int) -> None:
    """After the commit: send now in the background, or leave it to the command."""
    hand_off_to(
        settings.MEMBERSHIP_EMAIL_DELIVERY,
        worker,
        lambda key: send_due(application_ids=[key]),
        application_id,
    )


def due_emails(application_ids=None):
    due = outbox.due().exclude(application__status=MembershipApplication.Status.SUSPECTED)
    if application_ids is not None:
        due = due.filter(application_id__in=application_ids)
    return due


def send_due(*, application_ids: list[int] | None = None, limit: int | None = None) -> Outcome:
    """Send the emails that are due (of these applications only, if given).

    A failed send is recorded on its row and logged, never raised.
    """
    return outbox.send_due(due_emails(application_ids), limit=limit)


def claim(pk):
    """Take the email for sending, or None if it is not (or no longer) due."""
    return outbox.claim(pk)


def payment_instructions(language):
    """How to pay, as the join page in `language` says it (the site's language's join page
    where there is none in `language`)."""
    # By name: the join page's module imports this one.
    join_pages = apps.get_model("members", "JoinPage").objects.live()
    found = join_pages.filter(locale__language_code__in=[language, settings.LANGUAGE_CODE])
    by_language = dict(found.values_list("locale__language_code", "payment_instructions"))
    # The page the applicant read, even where it leaves the instructions out.
    return by_language.get(language, by_language.get(settings.LANGUAGE_CODE, ""))


def message(email):
    application = email.application
    context = {
        "application": application,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "admin_url": f"{settings.WAGTAILADMIN_BASE_URL}/admin/members/membershipapplication/"
        f"inspect/{application.pk}/",
    }
    if email.kind == Kind.SECRETARY:
        # The membership secretary reads English, whatever the applicant's language.
        with translation.override(settings.LANGUAGE_CODE):
            subject = f"New membership application: {application.full_name}"
            body = render_to_string("members/email/secretary.txt", context)
        reply_to = [application.email]
    else:
        # The applicant's own language, also here outside any request (the worker, the command).
        language = application.language or settings.LANGUAGE_CODE
        context["payment_instructions"] = payment_instructions(language)
        template = "repeat" if email.kind == Kind.REPEAT else "applicant"
        with translation.override(language):
            subject = gettext("Your application to join the %(site_name)s") % {
                "site_name": settings.WAGTAIL_SITE_NAME
            }
            body = render_to_string(f"members/email/{template}.txt", context)
        reply_to = None
    return EmailMessage(
        one_line(subject),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [email.recipient],
        reply_to=reply_to,
        headers={"Message-ID": message_id("membership", email.pk, email.created_at)},
    )


outbox = Outbox(
    model=ApplicationEmail,
    build=lambda email: message(email),
    # The application by its number: personal data stays out of the log.
    describe=lambda email: (
        f"the {email.kind} email for membership application {email.application_id}"
    ),
    max_attempts=lambda: settings.MEMBERSHIP_EMAIL_MAX_ATTEMPTS,
    logger=logger,
    select_related=("application__tier",),
)
# Looks send_due up when it runs, so that a test may replace it.
worker = Worker(
    "membership-emails",
    lambda application_id: send_due(application_ids=[application_id]),
    logger=logger,
    failure="The membership email worker failed on application %s",
)
