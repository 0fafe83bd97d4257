"""Extra preview modes for pages readers meet in listings and on social media."""


class ListingPreviewMixin:
    """Adds "Listing card" and "Shared link" to a page's preview modes.

    Set `listing_card_template` to a template that shows the page's card as each listing does.
    """

    listing_card_template = None
    shared_link_template = "previews/shared_link.html"

    @property
    def preview_modes(self):
        return [("", "Page"), ("card", "Listing card"), ("share", "Shared link")]

    def get_preview_template(self, request, mode_name):
        if mode_name == "card":
            return self.listing_card_template
        if mode_name == "share":
            return self.shared_link_template
        return super().get_preview_template(request, mode_name)
