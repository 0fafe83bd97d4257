"""The short sign-up form's words, on public pages (bulletins/includes/signup_form.html)."""

from django import template

from ..forms import SHORT_FORM_CONSENT

register = template.Library()


@register.simple_tag
def signup_consent():
    """What signing up with the short form agrees to: the words its record keeps."""
    return SHORT_FORM_CONSENT
