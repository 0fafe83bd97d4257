from django import template

from wagtail.models import Site

from home.models import StandardPage

register = template.Library()


def _site_root(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site.root_page if site else None


@register.inclusion_tag("includes/main_nav.html", takes_context=True)
def main_nav(context):
    """Home plus the top-level pages editors tick 'Show in menus' for."""
    root = _site_root(context)
    if root is None:
        return {"links": []}
    current = context.get("page")
    links = []
    for page in [root, *root.get_children().live().public().in_menu()]:
        state = None
        if current is not None and current.pk == page.pk:
            state = "page"
        elif current is not None and page.pk != root.pk and current.path.startswith(page.path):
            state = "true"
        links.append(
            {"page": page, "label": "Home" if page.pk == root.pk else page.title, "state": state}
        )
    return {"links": links}


@register.inclusion_tag("includes/footer_nav.html", takes_context=True)
def footer_nav(context):
    """Plain top-level pages (About, Contact, Privacy, Accessibility) linked from every page."""
    root = _site_root(context)
    links = []
    if root is not None:
        links = StandardPage.objects.child_of(root).live().public().order_by("path")
    return {"links": links}
