"""The short sign-up form's words, on public pages (bulletins/includes/signup_form.html)."""

from django import template
from django.utils.translation import get_language

from ..forms import SHORT_FORM_CONSENT
from ..models import BulletinIndexPage

register = template.Library()


@register.simple_tag
def bulletin_index():
    """The reader's language's live, public Peru Update page, or None: for the footer's link
    to past bulletins (read once per language, in the footer's cached fragment)."""
    return (
        BulletinIndexPage.objects.live()
        .public()
        .filter(locale__language_code=get_language())
        .first()
    )


@register.simple_tag
def signup_consent():
    """What signing up with the short form agrees to: the words its record keeps."""
    return SHORT_FORM_CONSENT
