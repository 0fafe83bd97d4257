"""The contact page: the charity's contact details and a form that sends it a message.

The page handles its own form, as the join page does (members/models/pages.py), with the same
pieces: the count of posts per address (core/throttling.py), the trap and timing checks
(core/forms.py), and emails recorded with what they are about and sent after the commit
(core/outbox.py). Every message is stored before anything else, so a mail failure never loses
one.
"""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_noop

from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from core.forms import privacy_url
from core.i18n import language_code
from core.throttling import Limit, over_limit
from home.models import SiteSettings, StandardPage
from home.seo import organisation

from ..forms import ContactForm
from ..notifications import queue_email
from .messages import ContactMessage


def contact_limit():
    return Limit(scope="contact-form", events=settings.CONTACT_POSTS_PER_HOUR, seconds=3600)


# ContactPage's name as readers see it in search results (BasePage.get_verbose_name).
gettext_noop("contact page")


class ContactPage(RoutablePageMixin, StandardPage):
    """A plain page (its summary and body) with the charity's contact details, from Settings →
    Site settings, and a form that sends the charity a message."""

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    # One per language: each language's home page has its own.
    max_count_per_parent = 1
    page_description = (
        "The contact page: your text, then the contact details from Settings → Site settings "
        "and a form that sends a message. One per language."
    )

    class Meta:
        verbose_name = "contact page"

    def get_structured_data(self, request, social_links, image=None):
        """A contact page about the charity, with whichever contact details are set."""
        charity = organisation(request, social_links, details=SiteSettings.for_request(request))
        del charity["@context"]
        return {
            "@context": "https://schema.org",
            "@type": "ContactPage",
            "name": self.title,
            "url": request.build_absolute_uri(self.get_url(request)),
            "mainEntity": charity,
        }

    @path("")
    def contact_form(self, request):
        """The form: POST, then redirect, then GET, so a refresh never sends twice."""
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        notice_url = privacy_url(request)
        if request.method != "POST":
            return self.render_form(request, ContactForm(privacy_url=notice_url))

        form = ContactForm(request.POST, privacy_url=notice_url)
        if not form.is_valid():
            return self.render_form(request, form)
        message = self.receive(
            form,
            SiteSettings.for_request(request).contact_email,
            over_limit=over_limit(request, contact_limit()),
        )
        route = "received" if message.is_suspected else "thanks"
        return redirect(self.get_url(request) + self.reverse_subpage(route))

    def receive(self, form, contact_email, *, over_limit=False):
        """Store the message first; its email is recorded with it and sent after the commit.
        Over the limit it is kept as suspected spam, never refused."""
        reason = form.spam_reason() or (ContactMessage.SpamReason.RATE if over_limit else "")
        with transaction.atomic():
            message = form.save(commit=False)
            message.language = language_code()
            if reason:
                # Kept for a person to judge, and never emailed on.
                message.status = ContactMessage.Status.SUSPECTED
                message.spam_reason = reason
            message.save()
            if not reason:
                queue_email(message, contact_email=contact_email)
        return message

    def render_form(self, request, form):
        response = self.render(
            request,
            context_overrides={"form": form, "organisation": SiteSettings.for_request(request)},
        )
        # The form carries its CSRF token, the moment it was shown and, after a post, what
        # was typed: this reader's alone (core/headers.py keeps it out of every cache).
        add_never_cache_headers(response)
        return response

    @path("thanks/", name="thanks")
    def thanks(self, request):
        return self.render(request, template="contact/contact_page_thanks.html")

    @path("received/", name="received")
    def received(self, request):
        """After a message the form's checks took for an automated one: said plainly,
        promising nothing that has not happened."""
        return self.render(request, template="contact/contact_page_received.html")
