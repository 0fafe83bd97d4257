"""Settings → Membership settings: who hears of new applications, and the privacy notice."""

from django.db import models

from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from core.i18n import language_code


@register_setting(icon="mail")
class MembershipSettings(BaseSiteSetting):
    secretary_email = models.EmailField(
        "membership secretary's email",
        blank=True,
        help_text="New applications are sent here. Leave blank to send none (they are still "
        "saved in the register).",
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="privacy notice",
        help_text="The page that explains how members' details are used. The consent box on "
        "the join form links to it; without a published page here, the words 'privacy notice' "
        "are shown without a link.",
    )

    panels = [FieldPanel("secretary_email"), PageChooserPanel("privacy_page")]
    select_related = ["privacy_page__locale"]

    class Meta:
        verbose_name = "membership settings"

    def privacy_url(self, request):
        """The privacy notice's address in the reader's language (the English notice until it
        is translated), or None while there is no published one."""
        page = self.privacy_page
        if page is not None and page.locale.language_code != language_code():
            translations = page.get_translations().live()
            page = translations.filter(locale__language_code=language_code()).first() or page
        if page is None or not page.live:
            return None
        return page.get_url(request)
