"""What the site's public forms (the join form, the contact form) share: refusing control
characters (C0 and C1) and text-direction overrides, and telling a person's post from an
automated one.

Two signs of a robot: it fills in the trap, a field people never see; and it posts within
seconds of the form being shown, or with a form shown days ago (or with no signed note of when
it was shown at all). A form reports what it saw (`automation_reason`); it refuses nothing
itself, so the page decides what to do with a suspect post (keep it aside, never mail it on).
"""

import time

from django import forms
from django.apps import apps
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

TRAP_FIELD = "leave_blank"
STARTED_FIELD = "started"


class Automation:
    """Why a post looks automated (the codes stored with what was posted)."""

    TRAP = "trap"
    TOO_FAST = "too_fast"
    BAD_TOKEN = "bad_token"
    EXPIRED = "expired"
    # Not the form's own finding: the page counts posts per client address (core.throttling).
    RATE = "rate"


# Text-direction overrides and isolates: invisible, they make a name or an address read other
# than it is, in the secretary's email and the register.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
DIRECTION_MESSAGE = _("Please remove the hidden characters that change the direction of text.")


def _is_control(char):
    # C0 controls, DEL and the C1 controls (U+0080 to U+009F), which emails and the admin show
    # as nothing or as garbage.
    return ord(char) < 32 or 0x7F <= ord(char) <= 0x9F


def _refuse_controls(value, message, allowed=""):
    if any(_is_control(char) and char not in allowed for char in value):
        raise ValidationError(message)
    if not DIRECTION_CONTROLS.isdisjoint(value):
        raise ValidationError(DIRECTION_MESSAGE)


def no_control_characters(value):
    _refuse_controls(value, _("Please use ordinary letters and punctuation only (one line)."))


def no_control_characters_but_line_breaks(value):
    _refuse_controls(value, _("Please use ordinary letters and punctuation only."), "\r\n\t")


def trap_field():
    # People never see it (the template hides it, from screen readers too), while a robot
    # filling in every field it finds fills it in. Its name, type and attributes are ones that
    # browsers' autofill and password managers pass over.
    return forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def started_field():
    return forms.CharField(required=False, widget=forms.HiddenInput)


def privacy_url(request):
    """The privacy notice chosen in Settings → Membership settings, in the reader's language,
    or None while there is none. Read by name through the app registry: core imports no
    content app."""
    if not apps.is_installed("members"):
        return None
    membership_settings = apps.get_model("members", "MembershipSettings").for_request(request)
    return membership_settings.privacy_url(request)


def privacy_notice_link(url):
    """ "privacy notice", linked to the page when there is one, for a form's notice or consent."""
    words = pgettext("the link to the privacy notice", "privacy notice")
    return format_html('<a href="{}">{}</a>', url, words) if url else words


def started_token(salt, at=None):
    """When the form was shown, signed so that it cannot be forged."""
    return signing.dumps(time.time() if at is None else at, salt=salt)


def automation_reason(data, *, salt, min_seconds, max_age_seconds):
    """Why this post looks automated (an `Automation` code), or "" when it looks like a
    person's."""
    if data.get(TRAP_FIELD):
        return Automation.TRAP
    try:
        started = float(
            signing.loads(data.get(STARTED_FIELD, ""), salt=salt, max_age=max_age_seconds)
        )
    except signing.SignatureExpired:
        return Automation.EXPIRED
    except (signing.BadSignature, TypeError, ValueError):
        return Automation.BAD_TOKEN
    if time.time() - started < min_seconds:
        return Automation.TOO_FAST
    return ""
