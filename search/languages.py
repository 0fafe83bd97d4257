"""Search in the site's two languages: each page indexed in its own, readers' language first.

- **Accents never matter.** On PostgreSQL (production) every page is indexed, and every query
  looked up, with an accent-insensitive text search configuration (migration 0004: the
  `unaccent` dictionary before the stemmer), so `Perez Tello` finds "Marisol Pérez Tello",
  `Maranon` finds "Marañón" and `Cóndor` finds "Condor". SQLite's FTS5 (development) folds
  accents itself (its unicode61 tokenizer removes diacritics).
- **Each page in its own language.** On PostgreSQL a page is indexed with the configuration of
  its Wagtail locale's language (`CONFIGURATIONS`: Spanish stemming and stop words for "es",
  English for "en-gb" and anything else; search/backends.py), and the pages of each language
  are searched with that language's configuration, so `protestas` finds a Spanish page saying
  "protesta" and `protests` an English one saying "protest", whichever language the reader
  has chosen. Stemming stays PostgreSQL's only: SQLite's FTS5 has no stemmer but an English
  one (Porter), and SQLite is the development database, so there search folds accents but
  matches whole words, in both languages alike.
- **The reader's language first.** A search made in Spanish (`translation.get_language()` is
  "es") lists the pages of the Spanish locale first, most relevant first, then the others;
  an English reader sees the English pages first: one search per language
  (`search_groups`), read one after the other (`FirstThenRest`).
- **Each story once.** A later language's search leaves out, in SQL, the pages whose
  translation the reader may see in an earlier one (search/views.py, `run_search`), so a story
  is found in the reader's language where it is published there, and counted once.

Indexing follows a page's locale as it is saved, so a translation (a copy of a page into the
Spanish locale) is indexed in Spanish from its first save. Changing a locale's language code
needs `update_index`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.utils import translation

from wagtail.models import Locale

# A language (the part of a language code before any "-") and its PostgreSQL configuration,
# made by migration 0004.
CONFIGURATIONS = {"en": "psg_english", "es": "psg_spanish"}


def language_of(language_code: str | None) -> str:
    """The language of a code such as "en-gb" or "es": its first part, in lower case; the
    site's own language for none."""
    code = language_code or settings.LANGUAGE_CODE
    return code.split("-")[0].lower()


def default_configuration() -> str:
    return CONFIGURATIONS.get(language_of(settings.LANGUAGE_CODE), CONFIGURATIONS["en"])


def configuration_for(language_code: str | None) -> str:
    """The text search configuration for content in `language_code`."""
    return CONFIGURATIONS.get(language_of(language_code), default_configuration())


def locale_languages() -> dict[int, str]:
    """Every locale's language code by id."""
    return dict(Locale.objects.values_list("pk", "language_code"))


def configurations_for(objects: Sequence) -> list[str]:
    """The configuration to index each of `objects` with: its locale's language's, or the
    site's language's for objects without a locale (images, documents)."""
    languages = locale_languages()
    return [configuration_for(languages.get(getattr(obj, "locale_id", None))) for obj in objects]


def preferred_locales(language_code: str | None = None, languages=None) -> list[int]:
    """The locales of the active language (or of `language_code`), whose pages a search
    lists first."""
    language = language_of(language_code or translation.get_language())
    languages = locale_languages() if languages is None else languages
    return sorted(pk for pk, code in languages.items() if language_of(code) == language)


def search_groups(language_code: str | None = None, languages=None) -> list[tuple[list[int], str]]:
    """The locales to search one after the other, each group with the language code to
    search it in: the locales of the reader's language (or of `language_code`) first, then
    those of each other configuration."""
    languages = locale_languages() if languages is None else languages
    first = preferred_locales(language_code, languages)
    groups = [(first, languages[first[0]])] if first else []
    others = {}
    for pk, code in sorted(languages.items()):
        if pk not in first:
            others.setdefault(configuration_for(code), []).append(pk)
    groups += [(pks, languages[pks[0]]) for pks in others.values()]
    return groups


class FirstThenRest:
    """Two sets of search results read as one: every result of `first`, then those of
    `rest`. Sliced and counted as Wagtail's results are (Paginator uses both); each part is
    counted once."""

    def __init__(self, first, rest, start: int = 0, stop: int | None = None, counts=None):
        self.first, self.rest = first, rest
        self.start, self.stop = start, stop
        self._counts = counts if counts is not None else {}

    def _count(self, part: str) -> int:
        if part not in self._counts:
            self._counts[part] = getattr(self, part).count()
        return self._counts[part]

    def count(self) -> int:
        total = self._count("first") + self._count("rest")
        stop = total if self.stop is None else min(self.stop, total)
        return max(0, stop - self.start)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, slice):
            if key.step not in (None, 1):
                raise ValueError("Search results are sliced without a step.")
            start = self.start + (key.start or 0)
            stop = self.stop
            if key.stop is not None:
                stop = self.start + key.stop if stop is None else min(stop, self.start + key.stop)
            return FirstThenRest(self.first, self.rest, start, stop, self._counts)
        items = list(self[key : key + 1])
        if not items:
            raise IndexError(key)
        return items[0]

    def __iter__(self) -> Iterable:
        if self.stop is not None and self.stop <= self.start:
            return iter(())
        in_first = self._count("first")
        found = []
        if self.start < in_first:
            found += list(self.first[self.start : min(in_first, self.stop or in_first)])
        if self.stop is None or self.stop > in_first:
            start = max(0, self.start - in_first)
            stop = None if self.stop is None else self.stop - in_first
            found += list(self.rest[start:stop])
        return iter(found)
