from django import template

from briefings.models import BriefingIndexPage
from home.seo import site_root

register = template.Library()


@register.simple_tag(takes_context=True)
def briefing_index_url(context):
    """The address of the briefings list in the reader's language ('' if the site has none)."""
    request = context.get("request")
    root = site_root(request) if request else None
    if root is None:
        return ""
    index = BriefingIndexPage.objects.live().public().descendant_of(root).first()
    return (index.get_url(request) if index else None) or ""
