"""The one StreamField block library: every page body is a BodyStreamBlock.

Child block names are stored in the database as JSON, so they are chosen once and kept.
"""

import datetime
from contextlib import suppress
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from wagtail import blocks
from wagtail.contrib.typed_table_block.blocks import TypedTableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.embeds.embeds import get_embed
from wagtail.embeds.exceptions import EmbedException
from wagtail.images.blocks import ImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock

# What the design styles: no h1 (the page title is the only h1), no images inside rich text
# (use the image block, which asks for alt text).
RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(
        max_length=120, help_text="Short and descriptive: it appears in the page outline."
    )
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section (level 2)"), ("h3", "Subsection (level 3)")],
        default="h2",
        help_text="Use level 3 only under a level 2 heading.",
        # Otherwise every heading would index the words 'Section (level 2)'.
        search_index=False,
    )

    class Meta:
        icon = "title"
        template = "blocks/heading.html"
        label = "Heading"
        description = "A section heading inside the body."
        preview_value = {"text": "Background to the dispute", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        template = "blocks/paragraph.html"
        label = "Paragraph"
        description = "Text with bold, italics, links and lists."
        preview_value = (
            "<p>The communities have suffered repeated breaks in the North Peruvian "
            "pipeline operated by Petroperú.</p>"
        )


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(help_text="Describe the image for people who cannot see it.")
    caption = blocks.CharBlock(
        required=False, max_length=250, help_text="Optional caption shown under the image."
    )
    credit = blocks.CharBlock(
        required=False, max_length=120, help_text="Photographer or source, if known."
    )

    class Meta:
        icon = "image"
        template = "blocks/image.html"
        label = "Image"
        description = "An image with alt text, an optional caption and credit."
        preview_value = {"caption": "Caption shown under the image", "credit": "Photographer"}


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(help_text="The words quoted, without quotation marks.")
    attribution = blocks.CharBlock(
        required=False, max_length=200, help_text="Who said or wrote it, e.g. 'Miguel Manihuari'."
    )

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"
        label = "Quote"
        description = "A quotation with the name of who said it."
        preview_value = {
            "text": "The protest march is intended to force the government to respond.",
            "attribution": "Community leader from Saramurillo",
        }


class MediaEmbedBlock(EmbedBlock):
    """Rendered as a link, not the provider's player: no third-party request without consent."""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        embed = None
        if value:
            # Cached in the database when the editor saved the block.
            with suppress(EmbedException):
                embed = get_embed(value.url)
        context["embed"] = embed
        context["host"] = urlsplit(value.url).hostname if value else ""
        return context

    class Meta:
        icon = "media"
        template = "blocks/embed.html"
        label = "Video or audio"
        description = (
            "A link to a video or audio clip (YouTube, Vimeo, SoundCloud…). Readers see a link "
            "and load the player only if they choose to."
        )
        help_text = "Paste the address of the video or audio page."
        preview_value = "https://www.youtube.com/watch?v=EXAMPLE"


class DocumentDownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(help_text="Upload or choose the file to offer.")
    label = blocks.CharBlock(
        required=False,
        max_length=150,
        help_text="Link text; leave blank to use the document's title.",
    )

    class Meta:
        icon = "doc-full"
        template = "blocks/document.html"
        label = "Document download"
        description = "A download link with the file's type and size."
        preview_value = {"label": "Download the full report"}


class CallToActionBlock(blocks.StructBlock):
    label = blocks.CharBlock(
        max_length=80, help_text="What the button says, e.g. 'Become a member'."
    )
    page = blocks.PageChooserBlock(required=False, help_text="A page on this site…")
    url = blocks.URLBlock(required=False, help_text="…or an address elsewhere (choose one).")

    class Meta:
        icon = "pick"
        template = "blocks/call_to_action.html"
        label = "Call to action"
        description = "A prominent link inviting readers to act."
        preview_value = {"label": "Become a member", "url": "https://example.org/join/"}

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = "Choose either a page on this site or an external address, not both."
            raise blocks.StructBlockValidationError(block_errors={"page": ValidationError(message)})
        return value


class SourceCitationBlock(blocks.StructBlock):
    publication = blocks.CharBlock(max_length=150, help_text="e.g. 'The Guardian'.")
    headline = blocks.CharBlock(max_length=300, help_text="The headline of the original piece.")
    url = blocks.URLBlock(required=False, help_text="Link to the original, if it is online.")
    date = blocks.DateBlock(required=False, help_text="When the original was published.")

    class Meta:
        icon = "link-external"
        template = "blocks/source_citation.html"
        label = "Source citation"
        description = "Credits the outlet whose report this item summarises."
        preview_value = {
            "publication": "The Guardian",
            "headline": "Mercury poisoning in Madre de Dios",
            "date": datetime.date(2016, 11, 20),
        }


class TableBlock(TypedTableBlock):
    def __init__(self, **kwargs):
        super().__init__(
            [
                ("text", blocks.CharBlock(label="Text")),
                ("number", blocks.DecimalBlock(label="Number")),
            ],
            **kwargs,
        )

    def get_searchable_content(self, value):
        if not value:
            return []
        content = [value.caption] if value.caption else []
        content.extend(column["heading"] for column in value.columns if column["heading"])
        for row in value.row_data:
            for column, cell in zip(value.columns, row["values"], strict=False):
                if cell is not None:
                    content.extend(column["block"].get_searchable_content(cell))
        return content

    class Meta:
        icon = "table"
        template = "blocks/table.html"
        label = "Table"
        description = "A simple table of text and numbers with a caption."
        preview_value = {
            "caption": "Deaths in social conflicts",
            "columns": [
                {"type": "text", "heading": "Region"},
                {"type": "number", "heading": "Deaths"},
            ],
            "rows": [{"values": ["Apurímac", "1"]}, {"values": ["La Libertad", "2"]}],
        }


class MembershipPitchBlock(SnippetChooserBlock):
    """Places the shared 'Why join?' pitch; editing the snippet changes it everywhere."""

    def __init__(self, **kwargs):
        # By name, so the base app does not import the members app.
        super().__init__("members.MembershipPitch", **kwargs)

    class Meta:
        icon = "group"
        template = "blocks/membership_pitch.html"
        label = "Membership pitch"
        description = "The 'Why join?' panel with its reasons and a link to the join page."


PRIVACY_NOTICE_BLOCK = "privacy_notice"


class PrivacyNoticeBlock(blocks.StaticBlock):
    """What UK GDPR asks a privacy notice to say that the site knows itself: who the data
    controller is (Settings → Site settings), what each kind of data is kept for, on what
    lawful basis and for how long (the periods from the site's own settings, so they never
    drift), people's rights and how to complain to the ICO. In the reader's language."""

    class Meta:
        icon = "lock"
        template = "blocks/privacy_notice.html"
        label = "Privacy notice details"
        admin_text = (
            "Who the data controller is, what the site keeps, why and for how long, people's "
            "rights and how to complain to the ICO: written by the site from its settings, in "
            "the reader's language. Use it once, on the privacy page."
        )
        description = (
            "The legal part of the privacy notice, with the site's real retention periods."
        )


class BodyStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    embed = MediaEmbedBlock()
    document = DocumentDownloadBlock()
    call_to_action = CallToActionBlock()
    citation = SourceCitationBlock()
    table = TableBlock()
    membership_pitch = MembershipPitchBlock()


class StandardBodyStreamBlock(BodyStreamBlock):
    """A plain page's body: the blocks of every body, and the privacy notice's legal details,
    which belong on the privacy page and nowhere else."""

    privacy_notice = PrivacyNoticeBlock()

    class Meta:
        block_counts = {PRIVACY_NOTICE_BLOCK: {"max_num": 1}}
