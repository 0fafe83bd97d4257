"""Turn whatever a reader types into a safe, bounded Wagtail search query.

Only letters and digits reach the search backend: operators, quotes, wildcards and SQL or
HTML metacharacters are separators, so no input can form backend syntax. Text between double
quotes is searched as a phrase.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from wagtail.search.query import And, Phrase, PlainText
from wagtail.search.utils import MAX_QUERY_STRING_LENGTH

# The query log stores at most this many characters, so the search uses no more than that.
MAX_LENGTH = MAX_QUERY_STRING_LENGTH
MAX_TERMS = 32

# Control characters (NUL among them, which PostgreSQL rejects) become spaces.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WORD = re.compile(r"[^\W_]+")


@dataclass
class CleanQuery:
    text: str = ""  # tidied and capped: shown back to the reader and logged
    terms: list[str] = field(default_factory=list)
    shortened: bool = False
    search_query: object = None  # None when there is nothing to search for


def clean_query(raw: str | None) -> CleanQuery:
    """Tidy `raw` (any string), cap it and build the search query from its words."""
    text = unicodedata.normalize("NFC", raw or "")
    text = " ".join(_CONTROL.sub(" ", text).split())
    shortened = len(text) > MAX_LENGTH
    text = text[:MAX_LENGTH].strip()

    parts = []  # (is_phrase, words)
    terms = []
    # An unmatched quote is ignored: only text between a pair of quotes is a phrase.
    segments = text.split('"')
    if len(segments) % 2 == 0:
        segments[-2:] = [segments[-2] + " " + segments[-1]]
    for index, segment in enumerate(segments):
        words = _WORD.findall(segment)
        room = MAX_TERMS - len(terms)
        if len(words) > room:
            shortened = True
            words = words[:room]
        if words:
            parts.append((index % 2 == 1 and len(words) > 1, words))
            terms.extend(words)

    queries = [
        Phrase(" ".join(words)) if is_phrase else PlainText(" ".join(words), operator="and")
        for is_phrase, words in parts
    ]
    search_query = None
    if len(queries) == 1:
        search_query = queries[0]
    elif queries:
        search_query = And(queries)
    return CleanQuery(text=text, terms=terms, shortened=shortened, search_query=search_query)
