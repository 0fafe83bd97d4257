"""Sending a bulletin from the admin: a test to oneself, then to every subscriber.

From a published bulletin ("Send Peru Update" in its Actions menu, in the page header and in
page listings), an editor who may publish it sends a test copy to their own address, then
sends it to the confirmed subscribers of its language after a page that says how many and
that it cannot be undone. The send itself runs outside the request (bulletins/sending.py);
this page then shows its progress.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import get_language_info
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button, ListingButton
from wagtail.models import Page

from . import sending
from .models import BulletinPage, BulletinSend

SEND_URL_NAME = "bulletins_send"


def language_name(code: str) -> str:
    """In English, without the variant: "English", "Spanish"."""
    try:
        return get_language_info(code.split("-")[0])["name"]
    except KeyError:
        return code


def forbidden(view):
    """A plain 403 for whoever may not send the bulletin (Wagtail's admin would otherwise turn
    PermissionDenied into a redirect to the dashboard)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return HttpResponseForbidden(
                "Only those who may publish this bulletin may send it.",
                content_type="text/plain; charset=utf-8",
            )

    return wrapped


def bulletin_for(request, page_id) -> BulletinPage:
    """The bulletin, if the user may publish it: only those may send it."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, BulletinPage):
        raise Http404("Not a bulletin.")
    if not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    return page


class BulletinAdminView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "mail"

    def dispatch(self, request, page_id):
        self.page = bulletin_for(request, page_id)
        return super().dispatch(request, page_id)

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
                "label": self.page.get_admin_display_title(),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        page = self.page
        send = BulletinSend.objects.filter(page=page).select_related("created_by").first()
        context = {
            "bulletin": page,
            "send": send,
            "refusal": "" if send else sending.refusal(page),
            "language": language_name(page.locale.language_code),
            "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
        }
        if send:
            context["progress"] = send.progress()
        elif not context["refusal"]:
            context["recipients"] = sending.count_recipients(page)
        return super().get_context_data(**context, **kwargs)


class SendPageView(BulletinAdminView):
    """What can be done with the bulletin now: test and send, or the send's progress."""

    template_name = "bulletins/admin/send.html"
    page_title = "Send Peru Update"


class ConfirmSendView(BulletinAdminView):
    """ "Send to N subscribers?", and on POST the send itself."""

    template_name = "bulletins/admin/confirm_send.html"
    page_title = "Confirm sending"

    def get(self, request, *args, **kwargs):
        reason = sending.refusal(self.page)
        if reason:
            messages.error(request, reason)
            return redirect(SEND_URL_NAME, self.page.pk)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            send = sending.start_send(self.page, request.user)
        except sending.SendRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                f"Sending '{self.page.title}' to {send.recipients} subscriber"
                f"{'s' if send.recipients != 1 else ''}. It goes out over the next minutes; "
                "this page shows how far it has got.",
            )
        return redirect(SEND_URL_NAME, self.page.pk)


@require_POST
def send_test(request, page_id):
    page = bulletin_for(request, page_id)
    address = request.user.email
    if not address:
        messages.error(
            request, "Your account has no email address: add one in your account settings."
        )
        return redirect(SEND_URL_NAME, page.pk)
    try:
        sending.send_test(page, address)
    except sending.SendRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"A test copy is on its way to {address}.")
    return redirect(SEND_URL_NAME, page.pk)


@hooks.register("register_admin_urls")
def register_sending_urls():
    return [
        path(
            "bulletins/<int:page_id>/send/",
            forbidden(SendPageView.as_view()),
            name=SEND_URL_NAME,
        ),
        path(
            "bulletins/<int:page_id>/send/confirm/",
            forbidden(ConfirmSendView.as_view()),
            name="bulletins_send_confirm",
        ),
        path(
            "bulletins/<int:page_id>/send/test/",
            forbidden(send_test),
            name="bulletins_send_test",
        ),
    ]


def can_send(page, user) -> bool:
    return (
        issubclass(page.specific_class or Page, BulletinPage)
        and page.live
        and page.permissions_for_user(user).can_publish()
    )


@hooks.register("register_page_header_buttons")
def send_button_in_header(page, user, view_name, next_url=None):
    if can_send(page, user):
        yield Button(
            "Send Peru Update",
            reverse(SEND_URL_NAME, args=[page.pk]),
            icon_name="mail",
            priority=25,
        )


@hooks.register("register_page_listing_buttons")
def send_button_in_listing(page, user, next_url=None):
    if can_send(page, user):
        yield ListingButton(
            "Send", reverse(SEND_URL_NAME, args=[page.pk]), icon_name="mail", priority=25
        )
