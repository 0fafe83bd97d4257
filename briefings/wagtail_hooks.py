"""Dashboard: briefings nobody has checked for a year."""

from django.utils import timezone

from wagtail import hooks
from wagtail.admin.ui.components import Component

from .models import BriefingIndexPage, BriefingPage

REVIEW_AFTER_MONTHS = 12


def a_year_before(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


class BriefingsDueForReviewPanel(Component):
    """Live briefings whose 'last reviewed' date is more than 12 months ago, oldest first."""

    name = "briefings_due_for_review"
    template_name = "briefings/admin/due_for_review_panel.html"
    order = 240

    def __init__(self, today=None):
        self.today = today

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        context = super().get_context_data(parent_context)
        today = self.today or timezone.localdate()
        context["cutoff"] = a_year_before(today)
        context["briefings"] = []
        index = BriefingIndexPage.objects.first()
        if index is not None and index.permissions_for_user(request.user).can_edit():
            context["briefings"] = list(
                BriefingPage.objects.live()
                .descendant_of(index)
                .filter(last_reviewed__lte=context["cutoff"])
                .order_by("last_reviewed", "title")
                .defer_streamfields()
            )
        return context


@hooks.register("construct_homepage_panels")
def add_briefings_due_for_review_panel(request, panels):
    panels.append(BriefingsDueForReviewPanel())
