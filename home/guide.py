"""The editors' guide (docs/editors.md) inside the admin, for signed-in editors, with its
screenshots (docs/images/*.png): the Help menu opens it.

The guide is written in the small part of Markdown it uses (headings, paragraphs, lists, tables,
pictures, bold, code and links), which `render_markdown` turns into HTML here rather than
through a library the site would depend on for one page. Every character of the text is
escaped before any markup is added, and links go only to web, mail or site addresses, so the
guide cannot put a script into the admin.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.generic import TemplateView

from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from PIL import Image as PILImage

GUIDE = Path(settings.BASE_DIR) / "docs" / "editors.md"
IMAGES = GUIDE.parent / "images"

HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
LIST_ITEM = re.compile(r"^(?:(-|\*)|(\d+)\.)\s+(.*)$")
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
BOLD = re.compile(r"\*\*(.+?)\*\*")
CODE = re.compile(r"`([^`]+)`")
SAFE_LINK = re.compile(r"^(https?://|mailto:|/|#)", re.I)
PICTURE_NAME = re.compile(r"[\w-]+\.png")


@dataclass
class Guide:
    title: str = ""
    html: str = ""
    # (id, text) of each section (## heading), for the table of contents.
    sections: list = field(default_factory=list)


def render_markdown(text: str, picture=lambda name: None) -> Guide:
    """The guide's Markdown as HTML. The first level-1 heading is the title, left out of the
    HTML (the admin's header shows it). `picture(name)` describes images/<name> as
    {"url", "width", "height"}, or is None for a missing one (its alt text is shown instead)."""
    guide = Guide()
    out = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if heading := HEADING.match(line):
            level, words = len(heading[1]), heading[2].strip()
            if level == 1 and not guide.title:
                guide.title = words
            else:
                anchor = slugify(words)
                if level == 2:
                    guide.sections.append((anchor, words))
                out.append(f'<h{level} id="{anchor}">{inline(words, picture)}</h{level}>')
            i += 1
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([cell.strip() for cell in lines[i].strip().strip("|").split("|")])
                i += 1
            out.append(table(rows, picture))
        elif item := LIST_ITEM.match(line):
            tag = "ol" if item[2] else "ul"
            items = []
            while i < len(lines):
                item = LIST_ITEM.match(lines[i])
                if item and (tag == "ol") == bool(item[2]):
                    items.append(item[3])
                elif lines[i].startswith((" ", "\t")) and lines[i].strip() and items:
                    items[-1] += " " + lines[i].strip()  # the item goes on
                elif not lines[i].strip() and i + 1 < len(lines) and LIST_ITEM.match(lines[i + 1]):
                    pass  # a blank line between two items of one list
                else:
                    break
                i += 1
            body = "".join(f"<li>{inline(words, picture)}</li>" for words in items)
            out.append(f"<{tag}>{body}</{tag}>")
        else:
            paragraph = []
            while i < len(lines) and lines[i].strip() and not starts_block(lines[i]):
                paragraph.append(lines[i].strip())
                i += 1
            out.append(f"<p>{inline(' '.join(paragraph), picture)}</p>")
    # Safe: every piece of text went through inline(), which escapes it first.
    guide.html = mark_safe("\n".join(out))
    return guide


def starts_block(line: str) -> bool:
    return bool(HEADING.match(line) or LIST_ITEM.match(line) or line.startswith("|"))


def table(rows, picture) -> str:
    # The second row of a Markdown table only draws the line under the header.
    head, body = rows[0], rows[2:]
    cells = "".join(f'<th scope="col">{inline(cell, picture)}</th>' for cell in head)
    trs = "".join(
        "<tr>" + "".join(f"<td>{inline(cell, picture)}</td>" for cell in row) + "</tr>"
        for row in body
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{trs}</tbody></table>"


def inline(text: str, picture) -> str:
    """One line of the guide as HTML: escaped, then its pictures, links, bold and code."""
    parts = CODE.split(text)
    # split() with a group alternates text and code: code spans are escaped and left as typed.
    return "".join(
        f"<code>{escape(part)}</code>" if n % 2 else marked_up(escape(part), picture)
        for n, part in enumerate(parts)
    )


def marked_up(escaped: str, picture) -> str:
    def image(match):
        alt, src = match[1], match[2]
        name = src.removeprefix("images/")
        found = src.startswith("images/") and PICTURE_NAME.fullmatch(name) and picture(name)
        if not found:
            return alt
        # Its size, so that the text does not jump as pictures arrive.
        return (
            f'<img src="{escape(found["url"])}" alt="{alt}" width="{found["width"]}" '
            f'height="{found["height"]}" loading="lazy">'
        )

    def link(match):
        words, href = match[1], match[2]
        if SAFE_LINK.match(href):
            return f'<a href="{href}">{words}</a>'
        return words

    escaped = IMAGE.sub(image, escaped)
    escaped = LINK.sub(link, escaped)
    return BOLD.sub(r"<strong>\1</strong>", escaped)


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
