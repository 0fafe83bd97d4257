import unicodedata

from django.db import models
from django.db.models import Count
from django.http import Http404

from wagtail.search import index

from core.i18n import language_code


class Region(index.Indexed, models.Model):
    """One of Peru's regions (an ISO 3166-2:PE subdivision) that news items and briefings
    can be tagged with. The list is Peru's, loaded by this app's migrations from the
    pycountry package (`regions.data`), so editors choose rather than type."""

    code = models.CharField("ISO 3166-2 code", max_length=6, unique=True)
    slug = models.SlugField(
        max_length=40,
        unique=True,
        help_text="Used in web addresses such as /news/regions/loreto/.",
    )
    name = models.CharField(max_length=60, help_text="In English, as readers say it.")
    spanish_name = models.CharField(max_length=60, help_text="In Spanish, as readers say it.")

    search_fields = [index.SearchField("name"), index.SearchField("spanish_name")]

    class Meta:
        # By slug, which has no accents: editors find Áncash between Amazonas and Apurímac.
        ordering = ["slug"]

    def __str__(self):
        return self.name

    @property
    def label(self):
        """The region's name in the reader's language."""
        return self.spanish_name if language_code() == "es" else self.name


def by_label(regions) -> list[Region]:
    """`regions` in alphabetical order of their names in the reader's language, accents
    aside (Áncash between Amazonas and Apurímac)."""
    return sorted(regions, key=lambda region: _folded(region.label))


def _folded(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def all_regions() -> list[Region]:
    """Every region, by slug."""
    return list(Region.objects.all())


def region_for_slug(slug) -> Region:
    """The region of a web address; an unknown one is a 404."""
    region = Region.objects.filter(slug=slug).first()
    if region is None:
        raise Http404("No such region.")
    return region


def count_by_region(pages) -> dict[int, int]:
    """How many of `pages` (a queryset of a page type with `regions`) each region has, by
    region pk, in one query; regions without any are left out."""
    rows = pages.order_by().values("regions").annotate(count=Count("pk"))
    return {row["regions"]: row["count"] for row in rows if row["regions"] is not None}
