from django import forms
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import forms as guard
from core.forms import no_control_characters, no_control_characters_but_line_breaks

from .models.messages import ContactMessage

STARTED_SALT = "contact.contact-form.started"


def started_token(at=None):
    """When the form was shown, signed so that it cannot be forged."""
    return guard.started_token(STARTED_SALT, at)


class ContactForm(forms.ModelForm):
    # The trap and when the form was shown (core/forms.py).
    leave_blank = guard.trap_field()
    started = guard.started_field()

    class Meta:
        model = ContactMessage
        fields = ContactMessage.SENDER_FIELDS
        labels = {
            "name": _("Your name"),
            "email": _("Your email address"),
            "message": _("Your message"),
        }
        # The model's help texts are for the editors who read the messages, not the sender.
        help_texts = {
            "name": "",
            "email": _("We will reply to this address."),
            "message": "",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "message": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {
            "name": {
                "required": _("Enter your name."),
                "max_length": _("Enter a name of at most %(limit_value)d characters."),
            },
            "email": {
                "required": _("Enter your email address."),
                "invalid": _("Enter an email address like name@example.org."),
            },
            "message": {
                "required": _("Enter your message."),
                "max_length": _(
                    "Please shorten your message to at most %(limit_value)d characters "
                    "(it has %(show_value)d)."
                ),
            },
        }

    def __init__(self, *args, privacy_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(no_control_characters)
        self.fields["email"].validators.append(no_control_characters)
        self.fields["message"].validators.append(no_control_characters_but_line_breaks)
        policy = guard.privacy_notice_link(privacy_url)
        # A notice, not a box to tick: answering a message needs no consent.
        days = settings.CONTACT_MESSAGE_RETENTION_DAYS
        self.notice = format_html(
            ngettext(
                "We use your name, email address and message only to answer you, and delete "
                "them %(days)d day after they arrive, as our {policy} explains.",
                "We use your name, email address and message only to answer you, and delete "
                "them %(days)d days after they arrive, as our {policy} explains.",
                days,
            )
            % {"days": days},
            policy=policy,
        )
        if not self.is_bound:
            self.fields["started"].initial = started_token()

    def clean_message(self):
        # Browsers send textarea line breaks as CRLF; store plain newlines.
        return "\n".join(self.cleaned_data["message"].splitlines()).strip()

    def spam_reason(self):
        """Why this post looks automated (a SpamReason), or "" when it looks like a person's.

        Nothing here refuses a post: a suspected message is kept for a person to read.
        """
        reason = guard.automation_reason(
            self.data,
            salt=STARTED_SALT,
            min_seconds=settings.CONTACT_FORM_MIN_SECONDS,
            max_age_seconds=settings.CONTACT_FORM_MAX_AGE_HOURS * 3600,
        )
        return ContactMessage.SpamReason(reason) if reason else ""
