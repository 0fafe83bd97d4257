"""The admin's password reset (/admin/password_reset/) as a door: Wagtail's view and form, with
posts limited per client address and per email address asked about, the email sent after the
response (core.outbox.send_soon), and one answer whether or not an account has that address.

Over PASSWORD_RESETS_PER_ADDRESS an hour from one address, the form is answered 429 and says
how long to wait. Over PASSWORD_RESETS_PER_EMAIL an hour for one email address, from anywhere,
no more links are sent, and the answer is the usual one: the owner already has recent links,
and nobody can fill their inbox or learn anything from the answer.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm
from wagtail.admin.views.account import PasswordResetView as WagtailPasswordResetView

from .outbox import send_soon
from .signin import wait_text
from .throttling import Limit, client_address, forget, record, refuse, subject

logger = logging.getLogger(__name__)

PAUSED = _(
    "Too many password resets have been asked for from your connection. Please try again in "
    "%(wait)s."
)


def limits() -> tuple[Limit, Limit]:
    return (
        Limit("reset-address", settings.PASSWORD_RESETS_PER_ADDRESS, 3600),
        Limit("reset-email", settings.PASSWORD_RESETS_PER_EMAIL, 3600),
    )


class PasswordResetForm(WagtailPasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Django's message, handed to the background sender: a slow mail server holds up no
        request, and the answer takes as long whether or not an account was found."""
        subject_line = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject_line, body, from_email, [to_email])
        if html_email_template_name is not None:
            html = render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        send_soon(message)


class PasswordResetView(WagtailPasswordResetView):
    def form_valid(self, form):
        per_address, per_email = limits()
        address = subject(client_address(self.request))
        ids = record((per_address, address))
        if per_address.exceeded(address):
            forget(ids)
            wait = per_address.retry_after(address)
            refuse(self.request, wait)
            form.add_error(
                None, ValidationError(PAUSED, code="paused", params={"wait": wait_text(wait)})
            )
            return self.form_invalid(form)
        email = subject(form.cleaned_data["email"])
        record((per_email, email))
        if per_email.exceeded(email):
            logger.warning("Password reset not sent: too many for one email address")
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
