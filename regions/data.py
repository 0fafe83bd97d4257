"""Peru's regions: the ISO 3166-2:PE subdivisions, as the pycountry package lists them.

ISO names them in Spanish; readers and editors get the names they know, in each language.
Where a name is not overridden here, both languages use the ISO name.
"""

from django.utils.text import slugify

import pycountry

# ISO code: (English name, Spanish name) where the ISO name is not what a reader would say.
NAMES = {
    "PE-ANC": ("Áncash", "Áncash"),
    "PE-CAL": ("Callao", "Callao"),
    "PE-LIM": ("Lima (region)", "Lima (región)"),
    "PE-LMA": ("Lima (city)", "Lima Metropolitana"),
}

# Where each region sits on the tile map (column, row): north at the top, the coast on the
# left, each tile touching its neighbours as the regions themselves do, as near as a grid
# allows. Lima city and Callao are on the coast beside the Lima region.
TILES = {
    "PE-TUM": (0, 0),
    "PE-AMA": (1, 0),
    "PE-LOR": (2, 0),
    "PE-PIU": (0, 1),
    "PE-CAJ": (1, 1),
    "PE-SAM": (2, 1),
    "PE-LAM": (0, 2),
    "PE-LAL": (1, 2),
    "PE-HUC": (2, 2),
    "PE-CAL": (0, 3),
    "PE-ANC": (1, 3),
    "PE-PAS": (2, 3),
    "PE-UCA": (3, 3),
    "PE-LMA": (0, 4),
    "PE-LIM": (1, 4),
    "PE-JUN": (2, 4),
    "PE-CUS": (3, 4),
    "PE-MDD": (4, 4),
    "PE-ICA": (1, 5),
    "PE-HUV": (2, 5),
    "PE-APU": (3, 5),
    "PE-PUN": (4, 5),
    "PE-AYA": (2, 6),
    "PE-ARE": (3, 6),
    "PE-MOQ": (4, 6),
    "PE-TAC": (4, 7),
}


def peru_regions():
    """Each subdivision as {code, slug, name, spanish_name}, in the order of their codes."""
    regions = []
    for subdivision in sorted(pycountry.subdivisions.get(country_code="PE"), key=lambda s: s.code):
        name, spanish_name = NAMES.get(subdivision.code, (subdivision.name, subdivision.name))
        regions.append(
            {
                "code": subdivision.code,
                "slug": slugify(name),
                "name": name,
                "spanish_name": spanish_name,
            }
        )
    return regions


def load_regions(region_model):
    """Create or update every region in `region_model` (the migration's historical model, or
    the real one); the number made."""
    made = 0
    for region in peru_regions():
        _, created = region_model.objects.update_or_create(code=region.pop("code"), defaults=region)
        made += created
    return made
