"""The email edition of a bulletin: a plain-text part and an HTML part (tables and inline
styles, which mail programs render alike), in the bulletin's language, every link absolute,
no tracking of any kind, and the headers mail providers expect of a list (RFC 2369, 2919 and
8058).

A send renders the bulletin once (`edition`), from the revision it recorded, and each
subscriber's message only puts their own manage address into it (`message`), so sending to
thousands costs one rendering and the memory of one message at a time.
"""

import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from email.utils import make_msgid, parseaddr
from html.parser import HTMLParser

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import Truncator

from wagtail.models import Site
from wagtail.rich_text import expand_db_html

from core.outbox import mail_domain, one_line
from home.models import SiteSettings

from .links import absolute, site_root_url

PREHEADER_CHARS = 150
# The editorial's pictures: wide enough for a 600-pixel column on a sharp screen, as JPEG,
# which every mail program shows.
IMAGE_FILTER = "max-1200x1200|format-jpeg|jpegquality-80"
IMAGE_WIDTH = 560
EDITIONS_KEPT = 4

# Inline styles for what rich text holds: mail programs ignore most <style> sheets.
RICH_TEXT_STYLES = {
    "p": "margin:0 0 16px 0;",
    "a": "color:#8a1c1c;text-decoration:underline;",
    "ul": "margin:0 0 16px 0;padding-left:24px;",
    "ol": "margin:0 0 16px 0;padding-left:24px;",
    "li": "margin:0 0 6px 0;",
}
ROOT_RELATIVE = re.compile(r'(\s(?:href|src))="(/(?!/)[^"]*)"')


@dataclass(frozen=True)
class Edition:
    """A bulletin rendered for email, with a placeholder where each subscriber's own manage
    address goes (`manage`: a random word no editor can type by chance)."""

    subject: str
    text: str
    html: str
    language: str
    manage: str
    root: str  # the site's address, for the subscribers' links

    def for_subscriber(self, manage_url: str) -> tuple[str, str]:
        """The text and HTML with this subscriber's manage address in them."""
        return self.text.replace(self.manage, manage_url), self.html.replace(
            self.manage, manage_url
        )


def absolute_links(html: str, root: str) -> str:
    """Root-relative links and sources made absolute (Wagtail's rich text links pages and
    documents by their path)."""
    return ROOT_RELATIVE.sub(lambda m: f'{m[1]}="{absolute(m[2], root)}"', html)


def style_rich_text(html: str) -> str:
    for tag, style in RICH_TEXT_STYLES.items():
        html = re.sub(rf"<{tag}(?=[\s>])", f'<{tag} style="{style}"', html)
    return html


class _TextConverter(HTMLParser):
    """Rich text as plain text: paragraphs apart, list items with a dash, each link's address
    after its words."""

    BLOCKS = {"p", "ul", "ol", "h2", "h3", "h4", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.links = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            self.parts.append("\n- ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            words = "".join(self.parts[start:]).strip()
            if href and href != words and not href.startswith("#"):
                self.parts.append(f" ({href})")

    def handle_data(self, data):
        self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    converter = _TextConverter()
    converter.feed(html)
    converter.close()
    lines = [" ".join(line.split()) for line in "".join(converter.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def editorial_items(page, root: str) -> list[dict]:
    """The editorial's blocks, ready for both templates."""
    items = []
    for block in page.editorial:
        kind, value = block.block_type, block.value
        if kind == "heading":
            items.append({"type": "heading", "text": value["text"]})
        elif kind == "paragraph":
            html = absolute_links(expand_db_html(value.source), root)
            items.append(
                {"type": "paragraph", "html": style_rich_text(html), "text": html_to_text(html)}
            )
        elif kind == "quote":
            items.append(
                {"type": "quote", "text": value["text"], "attribution": value["attribution"]}
            )
        elif kind == "image" and value["image"]:
            image = value["image"]
            rendition = image.get_rendition(IMAGE_FILTER)
            width = min(IMAGE_WIDTH, rendition.width)
            items.append(
                {
                    "type": "image",
                    "url": absolute(rendition.url, root)
                    if rendition.url.startswith("/")
                    else rendition.url,
                    "width": width,
                    "height": round(rendition.height * width / rendition.width),
                    "alt": getattr(image, "contextual_alt_text", "") or "",
                    "caption": value["caption"],
                    "credit": value["credit"],
                }
            )
    return items


def story_items(page, root: str) -> list[dict]:
    stories = []
    for story in page.story_pages:
        date = getattr(story, "date", None) or (
            story.first_published_at.date() if story.first_published_at else None
        )
        stories.append(
            {
                "title": story.title,
                "url": story.get_full_url() or absolute(story.url or "/", root),
                "date": date,
                "summary": getattr(story, "summary", "") or "",
            }
        )
    return stories


def charity():
    """The charity's registered name, number and address (Settings → Site settings), or its
    site's name where they are not set."""
    site = Site.objects.filter(is_default_site=True).first()
    organisation = SiteSettings.for_site(site) if site else None
    name = (organisation.legal_name if organisation else "") or settings.WAGTAIL_SITE_NAME
    return {
        "name": name,
        "number": organisation.charity_number if organisation else "",
        "address": ", ".join(
            line.strip()
            for line in (organisation.postal_address if organisation else "").splitlines()
            if line.strip()
        ),
    }


def preheader(page) -> str:
    """The line a mail program shows after the subject: the summary, or the editorial's first
    words."""
    return Truncator(page.summary or page.editorial_text).chars(PREHEADER_CHARS)


def render(page) -> Edition:
    """`page` (a BulletinPage, as published) for email, in its language."""
    root = site_root_url()
    language = page.locale.language_code
    manage = f"manage-{secrets.token_hex(16)}"
    index = page.get_parent()
    with translation.override(language):
        context = {
            "page": page,
            "language": language,
            "index_title": index.title if index else "",
            "preheader": preheader(page),
            "editorial": editorial_items(page, root),
            "stories": story_items(page, root),
            "web_url": page.get_full_url() or absolute(page.url or "/", root),
            "site_url": root.rstrip("/") + "/",
            "manage_url": manage,
            "charity": charity(),
        }
        html = render_to_string("bulletins/email/bulletin.html", context)
        text = render_to_string("bulletins/email/bulletin.txt", context)
    return Edition(
        subject=one_line(page.title),
        text=text,
        html=html,
        language=language,
        manage=manage,
        root=root,
    )


_editions: OrderedDict = OrderedDict()
_editions_lock = threading.Lock()


def edition_for_send(send) -> Edition:
    """The send's bulletin for email, rendered once per process from the revision the send
    recorded: a change published half-way through does not reach those still waiting."""
    # With its start time: a restored database may give a later send the same number.
    key = (send.pk, send.revision_id, send.created_at)
    with _editions_lock:
        if key in _editions:
            _editions.move_to_end(key)
            return _editions[key]
    page = send.revision.as_object() if send.revision_id else send.page.specific
    edition = render(page)
    with _editions_lock:
        _editions[key] = edition
        while len(_editions) > EDITIONS_KEPT:
            _editions.popitem(last=False)
    return edition


def unsubscribe_mailto() -> str:
    """List-Unsubscribe's mailto, only where someone reads that mailbox
    (BULLETIN_UNSUBSCRIBE_EMAIL): the site's sending address is usually read by nobody, and
    an unsubscribe nobody acts on is worse than none (the one-click link is enough)."""
    address = parseaddr(settings.BULLETIN_UNSUBSCRIBE_EMAIL)[1]
    return f"<mailto:{address}?subject=unsubscribe>" if address else ""


def message(
    edition: Edition,
    *,
    recipient: str,
    manage_url: str,
    message_id: str,
    one_click: bool = True,
    subject_prefix: str = "",
) -> EmailMultiAlternatives:
    """One subscriber's copy. `one_click`: whether `manage_url` takes the RFC 8058 one-click
    POST (a test copy's sign-up page does not)."""
    text, html = edition.for_subscriber(manage_url)
    mailto = unsubscribe_mailto()
    # The list's name in ASCII: an accented one would make mail programs encode the whole
    # header, the list's address included.
    headers = {"Message-ID": message_id, "List-Id": f"Peru Update <peru-update.{mail_domain()}>"}
    unsubscribe = [f"<{manage_url}>"] if one_click else []
    unsubscribe += [mailto] if mailto else []
    if unsubscribe:
        headers["List-Unsubscribe"] = ", ".join(unsubscribe)
    if one_click:
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    headers["Content-Language"] = edition.language
    email = EmailMultiAlternatives(
        one_line(f"{subject_prefix}{edition.subject}"),
        text,
        settings.DEFAULT_FROM_EMAIL,
        [recipient],
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    return email


def test_copy_message_id() -> str:
    return make_msgid("bulletin-test", domain=mail_domain())
