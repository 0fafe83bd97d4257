"""The join page: it shows the tiers and the application form, and handles the form itself
(as Wagtail's own form pages do), storing every application before anything else."""

import logging

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_noop

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from bulletins.subscriptions import Source as BulletinSource
from bulletins.subscriptions import sign_up as sign_up_for_bulletin
from core.i18n import language_code
from core.throttling import Limit, over_limit
from home.blocks import RICH_TEXT_FEATURES
from home.models import BasePage

from ..forms import ApplicationForm
from ..notifications import queue_emails, queue_repeat_email
from .applications import MembershipApplication
from .site_settings import MembershipSettings

SpamReason = MembershipApplication.SpamReason
logger = logging.getLogger(__name__)


def join_limit():
    return Limit(scope="join-form", events=settings.MEMBERSHIP_JOIN_POSTS_PER_HOUR, seconds=3600)


# JoinPage's name as readers see it in search results (BasePage.get_verbose_name).
gettext_noop("join page")


class JoinPage(RoutablePageMixin, BasePage):
    intro = RichTextField(
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text="Shown above the membership tiers and the form.",
    )
    payment_instructions = models.TextField(
        "how to pay",
        blank=True,
        help_text="How members pay their fee, e.g. the bank details for a transfer or a "
        "standing order. Shown on the join page, after someone applies and in the confirmation "
        "email. Leave it empty to say only that we will email them how to pay once their "
        "application has been processed.",
    )
    thank_you_text = RichTextField(
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text="Shown after someone applies, e.g. what happens next ('How to pay' follows "
        "it). The confirmation email is sent just after this is shown, so say that it is on its "
        "way rather than that it has been sent.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("payment_instructions"),
        FieldPanel("thank_you_text"),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1
    page_description = "The membership page: tiers and the application form. Only one is needed."

    @path("")
    def application_form(self, request):
        """The form: POST, then redirect, then GET, so a refresh never applies twice."""
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        membership_settings = MembershipSettings.for_request(request)
        privacy_url = membership_settings.privacy_url(request)
        if request.method != "POST":
            return self.render_form(request, ApplicationForm(privacy_url=privacy_url))

        form = ApplicationForm(request.POST, privacy_url=privacy_url)
        if not form.is_valid():
            return self.render_form(request, form)
        rate = over_limit(request, join_limit())
        reason = form.spam_reason() or (SpamReason.RATE if rate else "")
        try:
            application = self.receive(form, membership_settings, reason)
        except IntegrityError:
            # A second post of the same application raced the first: now a repeat of it.
            application = self.receive(form, membership_settings, SpamReason.REPEAT)
        # A repeat is answered as a first application is: the page never tells whether an
        # address has applied; the address's owner is emailed instead.
        route = "thanks" if application.spam_reason in ("", SpamReason.REPEAT) else "received"
        return redirect(self.get_url(request) + self.reverse_subpage(route))

    def receive(self, form, membership_settings, reason):
        """Store the application first; its emails are recorded with it and sent after.

        While an application from the same address is new, this one is kept beside it for the
        secretary (a stranger applying in someone's name first blocks nothing), and the
        address is emailed once about it instead of confirming a second time.
        """
        with transaction.atomic():
            application = form.save(commit=False)
            application.pk = None  # a fresh row, also on a second try
            # The emails to the applicant are written in it (members/notifications.py).
            application.language = language_code()
            # The declaration's words as the form showed them: HMRC asks for a record.
            application.gift_aid_wording = form.declaration_made()
            earlier = None
            if reason in ("", SpamReason.REPEAT):  # what looks automated is never emailed on
                earlier = MembershipApplication.objects.filter(
                    email__iexact=application.email, status=MembershipApplication.Status.NEW
                ).first()
                reason = SpamReason.REPEAT if earlier else reason
            if reason:
                # Kept for a person to judge, and never emailed on.
                application.status = MembershipApplication.Status.SUSPECTED
                application.spam_reason = reason
            application.save()
            if earlier is not None:
                queue_repeat_email(earlier)
            elif not reason:
                queue_emails(application, secretary_email=membership_settings.secretary_email)
                if form.bulletin_wording():
                    transaction.on_commit(self.bulletin_sign_up(application, form))
        return application

    def bulletin_sign_up(self, application, form):
        """Peru Update for an applicant who ticked its box, once the application is stored: its
        own confirmation email goes to the address, as for any sign-up."""
        email, name, language = application.email, application.full_name, application.language
        wording, where = form.bulletin_wording(), self.get_url()

        def sign_up():
            try:
                sign_up_for_bulletin(
                    email,
                    name=name,
                    language=language,
                    source=BulletinSource.JOIN,
                    source_detail=where,
                    consent_wording=wording,
                )
            except Exception:
                # The application is stored and answered; the sign-up can be made again.
                logger.exception("Peru Update sign-up failed for application %s", application.pk)

        return sign_up

    def render_form(self, request, form):
        response = self.render(request, context_overrides={"form": form, "tiers": form.tiers})
        # The form carries the moment it was shown and, after a post, what was typed.
        add_never_cache_headers(response)
        return response

    @path("thanks/", name="thanks")
    def thanks(self, request):
        return self.render(request, template="members/join_page_thanks.html")

    @path("received/", name="received")
    def received(self, request):
        """After an application the form's checks took for spam: said plainly, promising
        nothing that has not happened."""
        return self.render(request, template="members/join_page_received.html")
