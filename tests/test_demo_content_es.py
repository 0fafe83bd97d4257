"""The Spanish demo content (demo/content_es.py) translates the English (demo/content.py)
whole: every text has its Spanish counterpart and no other, with the same dates, numbers and
names, and reads as Spanish."""

import re
from collections import Counter

from django.utils.text import slugify

import pytest

from demo import content as en
from demo import content_es as es

# Capitalised in the English text but not a name: sentence starts, title case, labels.
NOT_NAMES = {
    *("A", "An", "The", "This", "It", "They", "We", "Our", "If", "In", "On", "For", "To"),
    *("How", "What", "When", "Why", "Over", "Many", "Three", "Four", "Last", "Today"),
    *("About", "Contact", "Privacy", "Accessibility", "Aims", "Background", "Briefings"),
    *("News", "Historical", "Overview", "Human", "Rights", "Indigenous", "Environment"),
    *("Mining", "Politics", "Economy", "Individual", "Unwaged", "Organisation", "Become"),
    *("Join", "Keep", "Learn", "Support", "Thank", "Members", "Membership", "Detainees"),
    *("Experts", "Fire", "Mercury", "Defending", "Plans", "Efforts", "Reading", "Cookies"),
    *("Videos", "Pages", "Problems"),
}

# Names the Spanish text gives in Spanish: the English form and the Spanish one. A name not
# listed here appears in the Spanish text as in the English.
RENDERED = {
    "Peru": "Perú",
    "Peruvian Andes": "Andes peruanos",
    "North Peruvian pipeline": "Oleoducto Norperuano",
    "Condor": "Cóndor",
    "Amazon": "Amazonía",
    "Latin America": "América Latina",
    "United States": "Estados Unidos",
    "UK": "Reino Unido",
    "UN": "ONU",
    "IACHR": "CIDH",
    "Inter-American Commission of Human Rights": "Comisión Interamericana de Derechos Humanos",
    "UN Special Rapporteur on Toxic Waste": "relator especial de la ONU sobre desechos tóxicos",
    "Justice Minister": "ministra de Justicia",
    "University Law": "Ley Universitaria",
    "Web Content Accessibility Guidelines": "Pautas de Accesibilidad para el Contenido Web",
    "NGOs": "ONG",
    "October": "octubre",
    "November": "noviembre",
    # Kept whole, so that their words are not read as names of their own ("Peru").
    "Peru Support Group": "Peru Support Group",
    "Peru Update": "Peru Update",
    "The Guardian": "The Guardian",
    "Duke Global Health Institute": "Duke Global Health Institute",
}

# Common English words that no Spanish sentence has.
ENGLISH_WORDS = {
    *("the", "and", "of", "to", "with", "for", "from", "that", "this", "which", "is", "are"),
    *("was", "were", "has", "have", "our", "your", "you", "we", "it", "by", "on", "at"),
}

LINK = re.compile(r'href="([^"]*)"')


def texts_en():
    """Every text demo/content.py gives the loader, by where it goes."""
    yield "aims heading", en.AIMS_HEADING
    yield "aims", en.AIMS
    for name, slug in en.THEMES:
        yield f"theme {slug}", name
    yield "news index title", en.NEWS_INDEX_TITLE
    yield "news index intro", en.NEWS_INDEX_INTRO
    for title, _, summary, *_ in en.NEWS:
        yield f"news {slugify(title)} title", title
        yield f"news {slugify(title)} summary", summary
    # (The index's title is the bulletin's name, "Peru Update", in both languages.)
    yield "bulletin index intro", en.BULLETIN_INDEX_INTRO
    yield "bulletin title", en.BULLETIN_TITLE
    yield "bulletin editorial", en.BULLETIN_EDITORIAL
    yield "briefings index title", en.BRIEFINGS_INDEX_TITLE
    yield "briefings index intro", en.BRIEFINGS_INDEX_INTRO
    for title, text, _ in en.BRIEFINGS:
        yield f"briefing {slugify(title)} title", title
        yield f"briefing {slugify(title)} text", text
    yield "why join heading", en.WHY_JOIN_HEADING
    yield "why join button", en.WHY_JOIN_CTA
    for i, reason in enumerate(en.WHY_JOIN):
        yield f"why join reason {i}", reason
    for name, _, description, _ in en.MEMBERSHIP_TIERS:
        yield f"tier {name} name", name
        yield f"tier {name} description", description
    yield "join title", en.JOIN_TITLE
    yield "join intro", en.JOIN_INTRO
    yield "join thanks", en.JOIN_THANKS
    for title, slug, _, summary, paragraphs in en.STANDARD_PAGES:
        yield f"page {slug} title", title
        yield f"page {slug} summary", summary
        for i, paragraph in enumerate(paragraphs):
            yield f"page {slug} paragraph {i}", paragraph


def texts_es():
    """The Spanish counterparts, by the same names."""
    yield "aims heading", es.AIMS_HEADING
    yield "aims", es.AIMS
    for slug, name in es.THEMES.items():
        yield f"theme {slug}", name
    yield "news index title", es.NEWS_INDEX_TITLE
    yield "news index intro", es.NEWS_INDEX_INTRO
    for key, (title, _, summary) in es.NEWS.items():
        yield f"news {key} title", title
        yield f"news {key} summary", summary
    yield "bulletin index intro", es.BULLETIN_INDEX_INTRO
    yield "bulletin title", es.BULLETIN_TITLE
    yield "bulletin editorial", es.BULLETIN_EDITORIAL
    yield "briefings index title", es.BRIEFINGS_INDEX_TITLE
    yield "briefings index intro", es.BRIEFINGS_INDEX_INTRO
    for key, (title, text) in es.BRIEFINGS.items():
        yield f"briefing {key} title", title
        yield f"briefing {key} text", text
    yield "why join heading", es.WHY_JOIN_HEADING
    yield "why join button", es.WHY_JOIN_CTA
    for i, reason in enumerate(es.WHY_JOIN):
        yield f"why join reason {i}", reason
    for key, (name, description) in es.MEMBERSHIP_TIERS.items():
        yield f"tier {key} name", name
        yield f"tier {key} description", description
    yield "join title", es.JOIN_TITLE
    yield "join intro", es.JOIN_INTRO
    yield "join thanks", es.JOIN_THANKS
    for key, (title, _, summary, paragraphs) in es.STANDARD_PAGES.items():
        yield f"page {key} title", title
        yield f"page {key} summary", summary
        for i, paragraph in enumerate(paragraphs):
            yield f"page {key} paragraph {i}", paragraph


SPANISH = dict(texts_es())
PAIRS = [(where, english, SPANISH.get(where, "")) for where, english in texts_en()]


def plain(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def has(text, phrase):
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def missing_names(english, spanish):
    """The names in the English text that the Spanish text does not give."""
    english, spanish = plain(english), plain(spanish)
    missing = []
    for name in sorted(RENDERED, key=len, reverse=True):
        if has(english, name):
            english = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", english)
            if not has(spanish, RENDERED[name]):
                missing.append(RENDERED[name])
    for word in re.findall(r"[^\W\d_][\w’'-]*", english):
        word = re.sub(r"[’']s$", "", word)
        if word[0].isupper() and word not in NOT_NAMES and not has(spanish, word):
            missing.append(word)
    return missing


def english_words(text):
    """The common English words in a text, names kept in English (The Guardian) aside."""
    text = plain(text)
    for name, rendered in RENDERED.items():
        if name == rendered:
            text = text.replace(name, " ")
    return sorted({w for w in re.findall(r"\w+", text.lower()) if w in ENGLISH_WORDS})


def numbers(text):
    """The numbers in a text, whatever their thousands separators: '70,000' = '70 000'."""
    return Counter(re.sub(r"[ ,.]", "", n) for n in re.findall(r"\d+(?:[ ,.]\d+)*", text))


def tags(html):
    return re.findall(r"</?\w+", html)


def test_every_english_text_has_a_spanish_counterpart_and_no_other():
    assert list(SPANISH) == [where for where, _ in texts_en()]


def test_the_spanish_module_has_the_english_modules_texts_and_its_own_slugs_only():
    def names(module):
        return {name for name in vars(module) if name.isupper()}

    # The review date belongs to the briefings in both languages, as the bulletin's date to the
    # bulletin, and the keys of the contact and privacy pages name the English pages, whose
    # translations follow them.
    assert names(es) - {name for name in names(es) if name.endswith("_SLUG")} == names(en) - {
        "BRIEFINGS_REVIEWED",
        "BULLETIN_DATE",
        "CONTACT_SLUG",
        "PRIVACY_SLUG",
    }


def test_lists_are_keyed_by_what_the_loader_keys_the_english_by():
    assert list(es.THEMES) == [slug for _, slug in en.THEMES]
    assert list(es.NEWS) == [slugify(title) for title, *_ in en.NEWS]
    assert list(es.BRIEFINGS) == [slugify(title) for title, *_ in en.BRIEFINGS]
    assert len(es.WHY_JOIN) == len(en.WHY_JOIN)
    assert list(es.MEMBERSHIP_TIERS) == [name for name, *_ in en.MEMBERSHIP_TIERS]
    assert list(es.STANDARD_PAGES) == [slug for _, slug, *_ in en.STANDARD_PAGES]
    for title, slug, _, _, paragraphs in en.STANDARD_PAGES:
        assert len(es.STANDARD_PAGES[slug][3]) == len(paragraphs), title


def test_dates_are_the_english_ones():
    assert [date for _, date, _ in es.NEWS.values()] == [date for _, date, *_ in en.NEWS]


@pytest.mark.parametrize(("where", "english", "spanish"), PAIRS, ids=[p[0] for p in PAIRS])
def test_spanish_text_translates_its_english_one(where, english, spanish):
    assert spanish and spanish != english
    assert missing_names(english, spanish) == []
    assert numbers(spanish) == numbers(english)
    assert tags(spanish) == tags(english)
    assert english_words(spanish) == []


def test_the_checks_find_what_they_look_for():
    """Positive controls: each check fails on a text that is wrong in its way."""
    english, spanish = en.NEWS[8][2], es.NEWS["mining-output-boosts-exports"][2]
    assert missing_names(english, spanish) == []
    assert missing_names(english, spanish.replace("Las Bambas", "la mina")) == ["Las", "Bambas"]
    assert missing_names(english, spanish.replace("Perú", "país")) == ["Perú"]
    assert missing_names(en.NEWS[0][0], "Liberan a retenidos en la Cordillera del Condor") == [
        "Cóndor"
    ]
    assert english_words(spanish) == []
    assert english_words(english) == ["and", "from", "have", "of", "the"]
    assert english_words(f"{spanish} and more") == ["and"]
    assert english_words("según The Guardian") == []
    assert numbers("casi 70 000 personas") == numbers("nearly 70,000 people")
    assert numbers("el 19 y 20 de noviembre") != numbers("on 19-21 November")


def test_spanish_slugs_are_readable_and_unique():
    for items in (es.NEWS, es.BRIEFINGS):
        slugs = [slugify(entry[0]) for entry in items.values()]
        assert all(slugs) and len(set(slugs)) == len(slugs)
    home_children = [es.NEWS_INDEX_SLUG, es.BRIEFINGS_INDEX_SLUG, es.JOIN_SLUG] + [
        slug for _, slug, *_ in es.STANDARD_PAGES.values()
    ]
    assert len(set(home_children)) == len(home_children)
    assert all(slug == slugify(slug) for slug in home_children)
    assert all(
        slug == slugify(title)
        for title, slug, *_ in es.STANDARD_PAGES.values()
        if title != "Declaración de accesibilidad"  # 'accessibility' in English too
    )


def test_links_point_at_the_spanish_counterparts_of_the_english_pages():
    spanish_slug = {key: slug for key, (_, slug, *_) in es.STANDARD_PAGES.items()}
    links = 0
    for _, key, _, _, paragraphs in en.STANDARD_PAGES:
        for english, spanish in zip(paragraphs, es.STANDARD_PAGES[key][3], strict=True):
            expected = [f"/es/{spanish_slug[href.strip('/')]}/" for href in LINK.findall(english)]
            assert LINK.findall(spanish) == expected
            links += len(expected)
    assert links == 2
