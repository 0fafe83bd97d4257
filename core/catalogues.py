"""The translation catalogues: the .po files kept in the repository under LOCALE_PATHS, and the
.mo files Django reads, built from them here with polib (pure Python: no gettext needed).

A .mo is never committed: `manage.py compile_catalogues` builds it whenever its .po is newer
(`make run` and every test target run it first). A catalogue that could break a page is
refused whole, before anything is written: one that does not parse, a message twice, a
translation with a placeholder its English lacks (rendering it would fail) or without one its
English has (the reader would miss a number or a name). Fuzzy and empty
entries are left out of the .mo, so those messages show in English; `unfinished()` lists them,
and the tests fail on any.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

import polib

# A printf-style placeholder as Python's % operator reads it ("%(wait)s", "%d"; "%%" is none).
_PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?(?P<type>[a-zA-Z%])"
)


# A line of a .po file that is not a comment: a keyword and a quoted string, or a quoted string
# continuing the one before. polib reads some malformed lines without complaint (an unquoted or
# unterminated string), mangling the text, so every line is checked first.
_PO_LINE = re.compile(
    r'(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])[ \t]+)?"(?:[^"\\]|\\.)*"[ \t]*'
)


class CatalogueError(Exception):
    """A catalogue that must not be compiled; the message says where and why."""


def po_files() -> list[Path]:
    """Every catalogue under LOCALE_PATHS (<path>/<language>/LC_MESSAGES/<domain>.po)."""
    found: list[Path] = []
    for folder in settings.LOCALE_PATHS:
        found.extend(sorted(Path(folder).glob("*/LC_MESSAGES/*.po")))
    return found


def mo_path(po: Path) -> Path:
    return po.with_suffix(".mo")


def is_stale(po: Path) -> bool:
    """Whether the .mo is missing or older than its .po."""
    mo = mo_path(po)
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def load(po: Path) -> polib.POFile:
    """The catalogue, parsed and checked; CatalogueError if it could break a page."""
    try:
        text = po.read_text(encoding="utf-8")
        problems = list(_syntax_problems(text))
        if problems:
            raise CatalogueError(f"{po}:\n" + "\n".join(f"  {problem}" for problem in problems))
        catalogue = polib.pofile(text, check_for_duplicates=True)
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        raise CatalogueError(f"{po}: {exc}") from exc
    problems = list(_placeholder_problems(catalogue))
    if problems:
        raise CatalogueError(f"{po}:\n" + "\n".join(f"  {problem}" for problem in problems))
    return catalogue


def unfinished(catalogue: polib.POFile) -> list[polib.POEntry]:
    """Entries that would show in English: fuzzy ones and those with no translation."""
    return [
        entry
        for entry in catalogue
        if not entry.obsolete and (entry.fuzzy or not entry.translated())
    ]


def compile_catalogue(po: Path) -> polib.POFile:
    """Check `po` and write its .mo beside it, whole or not at all."""
    catalogue = load(po)
    mo = mo_path(po)
    # Written under another name and then renamed, so a running site never reads half a file.
    handle, temporary = tempfile.mkstemp(dir=mo.parent, prefix=f".{mo.name}.", suffix=".tmp")
    os.close(handle)
    try:
        catalogue.save_as_mofile(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, mo)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return catalogue


def placeholders(text: str) -> set[str]:
    """The placeholders in `text` ("%(wait)s" as "wait", positional ones as "%s", "%d")."""
    found = set()
    for match in _PLACEHOLDER.finditer(text):
        if match["type"] == "%":
            continue
        found.add(match["name"] if match["name"] is not None else f"%{match['type']}")
    return found


def _syntax_problems(text: str) -> Iterator[str]:
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not _PO_LINE.fullmatch(stripped):
            yield f"line {number}: syntax error: {stripped[:60]}"


def _placeholder_problems(catalogue: polib.POFile) -> Iterator[str]:
    for entry in catalogue:
        if entry.obsolete or entry.fuzzy or "python-format" not in entry.flags:
            continue
        source = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            if not translation:
                continue
            extra = placeholders(translation) - source
            if extra:
                yield (
                    f"line {entry.linenum}: the translation of {entry.msgid!r} uses "
                    f"{', '.join(sorted(extra))}, which the English does not have"
                )
            # A plural form may leave the number out ("Un resultado"); nothing else may.
            missing = set() if entry.msgid_plural else source - placeholders(translation)
            if missing:
                yield (
                    f"line {entry.linenum}: the translation of {entry.msgid!r} leaves out "
                    f"{', '.join(sorted(missing))}"
                )
