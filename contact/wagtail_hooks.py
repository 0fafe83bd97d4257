from django.urls import reverse

from wagtail import hooks
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from home import launch

from .models import ContactMessage, ContactPage


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Messages are what their senders wrote: read and deleted (a sender may ask), never
    added or changed, not even by an administrator."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "copy"):
            return False
        return super().user_has_permission(user, action)


class ContactMessageViewSet(SnippetViewSet):
    model = ContactMessage
    icon = "mail"
    menu_label = "Messages"
    menu_name = "contact-messages"
    add_to_admin_menu = True
    menu_order = 310
    inspect_view_enabled = True
    list_display = ["name", "email", "status_label", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["name", "email", "message"]
    search_backend_name = None
    inspect_view_fields = [
        "name",
        "email",
        "message_as_written",
        "status",
        "spam_reason",
        "language",
        "created_at",
        "email_record",
    ]

    @property
    def permission_policy(self):
        return ReadOnlyPolicy(self.model)

    def get_queryset(self, request):
        return ContactMessage.objects.select_related("notification")


register_snippet(ContactMessageViewSet)


@hooks.register(launch.HOOK)
def contact_launch_checks(request, site):
    """A published contact page in the site's own language, where the form is."""
    home = site.root_page
    if ContactPage.objects.child_of(home).live().exists():
        return []
    return [
        launch.Missing(
            "Contact page",
            "publish a contact page under the home page: it shows the contact details and the "
            "form that sends messages.",
            reverse("wagtailadmin_pages:add_subpage", args=[home.pk]),
        )
    ]
