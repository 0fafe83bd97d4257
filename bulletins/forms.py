"""The sign-up form for Peru Update and the subscriber's language form."""

from django import forms
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import forms as guard
from core.forms import no_control_characters
from core.i18n import language_code

TRAP_FIELD = guard.TRAP_FIELD


def language_field(**kwargs):
    return forms.ChoiceField(
        label=_("Language of the emails"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose English or Español.")},
        **kwargs,
    )


def consent_text(privacy_url=None):
    """What signing up agrees to, with the privacy notice linked where there is one."""
    return format_html(
        gettext(
            "Peru Update comes by email about once a month. We will first send you an email "
            "to confirm, and every email has a link to leave. We keep your address as our "
            "{policy} describes."
        ),
        policy=guard.privacy_notice_link(privacy_url),
    )


# The short form's words (templates/bulletins/includes/signup_form.html): it links the sign-up
# page, whose words link the privacy notice; looking the notice up on every page would cost
# queries on every page.
SHORT_FORM_CONSENT = _(
    "Peru Update, our bulletin, comes by email about once a month. We email you first to "
    "confirm, and every email has a link to leave."
)
SHORT_FORM = "short"


def consent_wording(kind=""):
    """The words a sign-up agreed to, as the subscriber's record keeps them: plain text, in the
    language they were shown in."""
    if kind == SHORT_FORM:
        return str(SHORT_FORM_CONSENT)
    return str(consent_text())


class SignUpForm(forms.Form):
    """The page's form and the short one on public pages (email, and the page's language as a
    hidden field) post here alike: a missing name or language is not an error."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.org."),
        },
        validators=[no_control_characters],
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        validators=[no_control_characters],
    )
    language = language_field(required=False)
    leave_blank = guard.trap_field()
    # Which form was posted: the short one says so, for the consent's record.
    kind = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("language", language_code())
        super().__init__(*args, **kwargs)

    def clean_language(self):
        return self.cleaned_data.get("language") or language_code()

    def is_trapped(self):
        return bool(self.data.get(TRAP_FIELD))


class LanguageForm(forms.Form):
    language = language_field()
