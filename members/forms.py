from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import forms as guard
from core.forms import no_control_characters, no_control_characters_but_line_breaks

from .gift_aid import gift_aid_declaration, gift_aid_note, is_uk, uk_postcode
from .models.applications import MembershipApplication, MembershipTier, tiers_for_reader

STARTED_SALT = "members.join-form.started"
TRAP_FIELD = guard.TRAP_FIELD
SpamReason = MembershipApplication.SpamReason


def started_token(at=None):
    """When the form was shown, signed so that it cannot be forged."""
    return guard.started_token(STARTED_SALT, at)


class ApplicationForm(forms.ModelForm):
    # The trap and when the form was shown (core/forms.py).
    leave_blank = guard.trap_field()
    started = guard.started_field()
    # Not stored with the application: a ticked box signs the address up for the bulletin
    # (bulletins.subscriptions.sign_up), which its owner confirms by email.
    bulletin = forms.BooleanField(
        required=False,
        label=_("Send me Peru Update, the members' bulletin, by email"),
        help_text=_("We will email you first to confirm. Every bulletin has a link to leave."),
    )

    class Meta:
        model = MembershipApplication
        fields = MembershipApplication.APPLICANT_FIELDS
        labels = {
            "full_name": _("Full name"),
            "email": _("Email address"),
            "address": _("Home address"),
            "postcode": _("Postcode"),
            "country": _("Country"),
            "tier": _("Membership type"),
            "heard_about": _("How did you hear about us? (optional)"),
        }
        help_texts = {
            "email": _("We will send a confirmation here."),
            "address": _(
                "Needed for Gift Aid. Otherwise optional: give it if you would like to receive "
                "mailings by post."
            ),
            "postcode": _("Needed for Gift Aid if you live in the UK, for example SW1A 1AA."),
        }
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "address": forms.Textarea(attrs={"autocomplete": "street-address", "rows": 4}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code", "size": 10}),
            "country": forms.TextInput(attrs={"autocomplete": "country-name"}),
            "tier": forms.RadioSelect,
            "heard_about": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        error_messages = {
            "full_name": {"required": _("Enter your full name.")},
            "email": {
                "required": _("Enter your email address."),
                "invalid": _("Enter an email address like name@example.org."),
            },
            "country": {"required": _("Enter the country you live in.")},
            "tier": {"required": _("Choose a membership type.")},
        }

    def __init__(self, *args, privacy_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The tiers in the reader's language, which the page lists beside the form too.
        self.tiers = tiers_for_reader()
        field = self.fields["tier"]
        field.queryset = MembershipTier.objects.filter(pk__in=[tier.pk for tier in self.tiers])
        # Offered from the tiers already read; the queryset checks the choice on a post.
        field.choices = [(tier.pk, field.label_from_instance(tier)) for tier in self.tiers]
        self.fields["country"].initial = gettext("United Kingdom")
        for name in ("full_name", "email", "postcode", "country", "heard_about"):
            self.fields[name].validators.append(no_control_characters)
        gift_aid = self.fields["gift_aid"]
        gift_aid.label = gift_aid_declaration()
        gift_aid.help_text = gift_aid_note()
        self.fields["address"].validators.append(no_control_characters_but_line_breaks)
        consent = self.fields["consent"]
        consent.required = True
        consent.error_messages["required"] = _(
            "Please agree to us holding your details, or we cannot process your membership."
        )
        policy = guard.privacy_notice_link(privacy_url)
        consent.label = format_html(
            gettext(
                "I agree to the Peru Support Group holding my details to manage my membership, "
                "as described in its {policy}."
            ),
            policy=policy,
        )
        if not self.is_bound:
            self.fields["started"].initial = started_token()

    def clean_address(self):
        # Browsers send textarea line breaks as CRLF; store plain newlines.
        return "\n".join(self.cleaned_data["address"].splitlines())

    def clean(self):
        cleaned = super().clean()
        country, postcode = cleaned.get("country"), cleaned.get("postcode", "")
        # No country (an error of its own) is taken for the UK, the form's default.
        in_uk = not country or is_uk(country)
        if postcode and in_uk and "postcode" not in self.errors:
            if uk_postcode(postcode) is None:
                self.add_error(
                    "postcode",
                    ValidationError(
                        _(
                            "Enter a UK postcode, like SW1A 1AA, or under Country the country "
                            "you live in if it is not the UK."
                        ),
                        code="uk_postcode",
                    ),
                )
            else:
                cleaned["postcode"] = uk_postcode(postcode)
        if cleaned.get("gift_aid"):
            # HMRC needs a Gift Aid donor's home address and, in the UK, postcode (overseas
            # addresses are claimed with the postcode "X").
            if not cleaned.get("address") and "address" not in self.errors:
                self.add_error(
                    "address",
                    ValidationError(
                        _(
                            "Enter your home address, which HMRC needs for Gift Aid, or untick "
                            "the Gift Aid declaration."
                        ),
                        code="gift_aid_address",
                    ),
                )
            if in_uk and not postcode and "postcode" not in self.errors:
                self.add_error(
                    "postcode",
                    ValidationError(
                        _(
                            "Enter your postcode, which HMRC needs for Gift Aid, or untick the "
                            "Gift Aid declaration."
                        ),
                        code="gift_aid_postcode",
                    ),
                )
        return cleaned

    def clean_postcode(self):
        return " ".join(self.cleaned_data["postcode"].split()).upper()

    def bulletin_wording(self):
        """The words of the bulletin's box as the applicant ticked it, or "" if they did not."""
        if not self.cleaned_data.get("bulletin"):
            return ""
        field = self.fields["bulletin"]
        return f"{field.label} {field.help_text}"

    def declaration_made(self):
        """The Gift Aid declaration as the applicant agreed to it, or "" without one."""
        if not self.cleaned_data.get("gift_aid"):
            return ""
        return f"{gift_aid_declaration()}\n\n{gift_aid_note()}"

    def spam_reason(self):
        """Why this post looks automated (a SpamReason), or "" when it looks like a person's.

        Nothing here refuses a post: a suspected application is kept for a person to judge.
        """
        reason = guard.automation_reason(
            self.data,
            salt=STARTED_SALT,
            min_seconds=settings.MEMBERSHIP_FORM_MIN_SECONDS,
            max_age_seconds=settings.MEMBERSHIP_FORM_MAX_AGE_HOURS * 3600,
        )
        return SpamReason(reason) if reason else ""
