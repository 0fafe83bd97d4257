"""The editors' guide (docs/editors.md) inside the admin, for signed-in editors, with its
screenshots (docs/images/*.png): the Help menu opens it.

Python-Markdown turns the guide into HTML, with its tables and table of contents extensions.
Raw HTML in the text is escaped like any other text rather than passed through, links go only
to web, mail or site addresses and pictures only to the guide's own screenshots, so the guide
cannot put a script into the admin.
"""

import re
from html import unescape
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.generic import TemplateView

from wagtail.admin.views.generic import WagtailAdminTemplateMixin

import markdown
from markdown.extensions.toc import TocExtension
from markdown.treeprocessors import Treeprocessor
from PIL import Image as PILImage

GUIDE = Path(settings.BASE_DIR) / "docs" / "editors.md"
IMAGES = GUIDE.parent / "images"

SAFE_LINK = re.compile(r"^(https?://|mailto:|/|#)", re.I)
PICTURE_NAME = re.compile(r"[\w-]+\.png")
PICTURE = re.compile(rf"images/({PICTURE_NAME.pattern})")  # as the guide names a picture


class Guide(NamedTuple):
    title: str
    html: str
    # (id, text) of each section (## heading), for the table of contents.
    sections: list


class GuideMarkup(Treeprocessor):
    """Takes the title out of the HTML, keeps only safe links (others leave their words) and the
    guide's own pictures (others leave their alt text), and marks the tables' header cells."""

    def __init__(self, md, picture):
        super().__init__(md)
        self.picture, self.title = picture, ""

    def run(self, root):
        if (title := root.find("h1")) is not None:
            self.title = "".join(title.itertext()).strip()
            root.remove(title)
        for element in root.iter():
            if element.tag == "a" and not SAFE_LINK.match(element.get("href", "")):
                element.tag = None  # its words without the link
                element.attrib.clear()
            elif element.tag == "img":
                picture = PICTURE.fullmatch(element.get("src", ""))
                if picture and (found := self.picture(picture[1])):
                    # Its size, so that the text does not jump as pictures arrive.
                    width, height = str(found["width"]), str(found["height"])
                    element.attrib.update(src=found["url"], width=width, height=height)
                    element.set("loading", "lazy")
                else:
                    element.tag, element.text = None, element.get("alt")
                    element.attrib.clear()
            elif element.tag == "th":
                element.set("scope", "col")


def render_markdown(text: str, picture=lambda name: None) -> Guide:
    """The guide's Markdown as HTML. The first level-1 heading is the title, left out of the
    HTML (the admin's header shows it). `picture(name)` describes images/<name> as
    {"url", "width", "height"}, or is None for a missing one (its alt text is shown instead)."""
    contents = TocExtension(toc_depth="2-2", slugify=lambda words, separator: slugify(words))
    md = markdown.Markdown(extensions=["tables", contents], output_format="html")
    # Raw HTML stays text, escaped like the rest.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    markup = GuideMarkup(md, picture)
    md.treeprocessors.register(markup, "guide", 4)  # after the contents gave headings their ids
    # Safe: raw HTML is escaped with the text, and links and pictures are checked above.
    html = mark_safe(md.convert(text))
    # The sections' words as typed: the template escapes them.
    sections = [(token["id"], unescape(token["name"])) for token in md.toc_tokens]
    return Guide(markup.title, html, sections)


class EditorsGuideView(WagtailAdminTemplateMixin, TemplateView):
    """docs/editors.md as a page of the admin."""

    template_name = "home/admin/editors_guide.html"
    header_icon = "help"

    def get(self, request, *args, **kwargs):
        self.guide = render_markdown(GUIDE.read_text(encoding="utf-8"), guide_picture)
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return self.guide.title or "Editors' guide"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(guide=self.guide, **kwargs)


def guide_picture(name):
    """A screenshot of the guide (docs/images/<name>): its address and size, None if missing."""
    path = IMAGES / name
    if not path.is_file():
        return None
    with PILImage.open(path) as image:
        width, height = image.size
    return {"url": reverse("editors_guide_image", args=(name,)), "width": width, "height": height}


def guide_image(request, name):
    """One of the guide's screenshots (docs/images/<name>); the address allows no other file."""
    path = IMAGES / name
    if not PICTURE_NAME.fullmatch(name) or not path.is_file():
        raise Http404("No such picture in the guide.")
    return FileResponse(path.open("rb"), content_type="image/png")
