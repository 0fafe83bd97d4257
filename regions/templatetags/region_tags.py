from django import template
from django.utils.translation import gettext, ngettext

from regions.data import TILES
from regions.models import all_regions, by_label

register = template.Library()

# The tile map's geometry, in SVG user units: square tiles with a gap between them, and a margin
# so that the current tile's outline is not clipped at the edges.
TILE = 60
GAP = 4
MARGIN = 4
COLUMNS = max(column for column, _ in TILES.values()) + 1
ROWS = max(row for _, row in TILES.values()) + 1


def shade(count):
    """The tile's shade for `count` items: 0 (none), 1 (one), 2 (two or three), 3 (four or more)."""
    if count < 2:
        return count
    return 2 if count <= 3 else 3


def count_text(count):
    if count == 0:
        return gettext("no news yet")
    return ngettext("%(count)s news item", "%(count)s news items", count) % {"count": count}


@register.inclusion_tag("regions/map.html", takes_context=True)
def region_map(context, index, current=None, others=False):
    """Peru's regions as a tile map and as a plain list, each linking to the region's page on
    `index` (a page with `region_counts()` and `region_url(region, request)`), with how many
    items it has; `current`, the region whose page this is, is marked. With `others`, the list
    leaves `current` out (its page lists its news already); the map keeps its tile, marked,
    so that the map stays whole."""
    request = context.get("request")
    counts = index.region_counts()
    links = []
    for region in by_label(all_regions()):
        count = counts.get(region.pk, 0)
        abbreviation = region.code.removeprefix("PE-")
        text = count_text(count)
        link = {
            "region": region,
            "url": index.region_url(region, request),
            "count": count,
            "count_text": text,
            "shade": shade(count),
            "abbreviation": abbreviation,
            # The tile's visible abbreviation is in its name, for those who speak to click.
            "name": gettext("%(region)s, %(abbreviation)s: %(count)s")
            % {"region": region.label, "abbreviation": abbreviation, "count": text},
            "current": current is not None and region.pk == current.pk,
        }
        if region.code in TILES:
            column, row = TILES[region.code]
            link["x"], link["y"] = column * (TILE + GAP), row * (TILE + GAP)
            link["cx"] = link["x"] + TILE // 2
        links.append(link)
    # The tiles in reading order, north to south and west to east, for the Tab key.
    tiles = sorted((link for link in links if "x" in link), key=lambda link: (link["y"], link["x"]))
    width, height = COLUMNS * (TILE + GAP) - GAP, ROWS * (TILE + GAP) - GAP
    if others and current is not None:
        links = [link for link in links if not link["current"]]
    return {
        "links": links,
        "tiles": tiles,
        "tile": TILE,
        "view_box": f"{-MARGIN} {-MARGIN} {width + 2 * MARGIN} {height + 2 * MARGIN}",
    }
