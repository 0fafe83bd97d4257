"""Emails about an application. Sent after it is saved; a mail failure never loses it."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .models import MembershipSettings

logger = logging.getLogger(__name__)


def _one_line(text):
    # Header injection: names go into subjects, which must be a single line.
    return " ".join(text.split())


def _send(subject, template, context, recipient):
    try:
        send_mail(
            _one_line(subject),
            render_to_string(template, context),
            settings.DEFAULT_FROM_EMAIL,
            [recipient],
        )
    except Exception:
        logger.exception("Could not send '%s' email for a membership application", template)
        return False
    return True


def notify(application, request):
    """Tell the membership secretary and the applicant. Returns what was sent."""
    site_settings = MembershipSettings.for_request(request)
    context = {
        "application": application,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "admin_url": f"{settings.WAGTAILADMIN_BASE_URL}/admin/members/membershipapplication/"
        f"inspect/{application.pk}/",
    }
    sent = {"secretary": False, "applicant": False}
    if site_settings.secretary_email:
        sent["secretary"] = _send(
            f"New membership application: {application.full_name}",
            "members/email/secretary.txt",
            context,
            site_settings.secretary_email,
        )
    else:
        logger.warning(
            "No membership secretary email is set; application %s not sent on", application.pk
        )
    sent["applicant"] = _send(
        f"Your application to join the {settings.WAGTAIL_SITE_NAME}",
        "members/email/applicant.txt",
        context,
        application.email,
    )
    return sent
