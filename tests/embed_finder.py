"""An oEmbed finder for tests: no network, a predictable answer for any URL."""

from wagtail.embeds.finders.base import EmbedFinder


class LocalEmbedFinder(EmbedFinder):
    def __init__(self, **options):
        pass

    def accept(self, url):
        return url.startswith("https://www.youtube.com/")

    def find_embed(self, url, max_width=None, max_height=None):
        return {
            "title": "Saramurillo march in Lima",
            "author_name": "PSG",
            "provider_name": "YouTube",
            "type": "video",
            "thumbnail_url": "",
            "width": 640,
            "height": 360,
            "html": '<iframe src="https://www.youtube.com/embed/x"></iframe>',
        }
