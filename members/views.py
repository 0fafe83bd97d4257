import logging

from django.db import IntegrityError, transaction
from django.shortcuts import redirect

from home.models import StandardPage

from .forms import ALREADY_APPLIED, ApplicationForm
from .notifications import notify

logger = logging.getLogger(__name__)


def _privacy_url(request):
    privacy = StandardPage.objects.live().public().filter(slug="privacy").first()
    return privacy.get_url(request) if privacy else None


def join(request, page):
    """The join form: POST, redirect, GET, so a refresh never applies twice."""
    thanks_url = page.url + page.reverse_subpage("thanks")
    form = ApplicationForm(request.POST or None, privacy_url=_privacy_url(request))
    already_applied = False
    if request.method == "POST":
        if form.looks_like_a_bot():
            logger.info("Dropped a membership application that looked automated")
            return redirect(thanks_url)
        if form.is_valid():
            try:
                # Saved before anything else happens, so no later failure can lose it.
                with transaction.atomic():
                    application = form.save()
            except IntegrityError:
                # A second post of the same application raced the first.
                already_applied = True
            else:
                notify(application, request)
                return redirect(thanks_url)
        already_applied = already_applied or form.has_error("email", ALREADY_APPLIED)
    return page.render(
        request,
        context_overrides={
            "form": form,
            "tiers": page.get_tiers(),
            "already_applied": already_applied,
        },
    )
