"""The code's version: a fingerprint of everything a cached page or fragment is made from.

Every cache key starts with it (CACHES' KEY_PREFIX), so new code (templates, models, Python,
static files, migrations, or any installed package) starts with an empty cache at the first
request after a restart: nothing rendered or pickled by the old code is ever served or
unpickled by the new. Computed once per process from the files themselves, so no deploy step
can forget it.
"""

import hashlib
import sys
from pathlib import Path

# Folders of the checkout that are not part of what the site serves.
SKIPPED = {
    ".git",
    ".venv",
    ".venv-next",
    "node_modules",
    "media",
    "staticfiles",
    "backups",
    "tests",
    "docs",
    "bench",
    "__pycache__",
}
SUFFIXES = {".py", ".html", ".txt", ".xml", ".css", ".js", ".svg", ".json", ".po", ".mo"}


def code_version(base_dir: Path) -> str:
    """A short hex digest of the project's source files, Python's version and the installed
    packages' versions."""
    digest = hashlib.sha256(sys.version.encode())
    digest.update("\n".join(sorted(_installed_packages())).encode())
    for path in sorted(_source_files(base_dir)):
        digest.update(str(path.relative_to(base_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _installed_packages():
    # The names of the packages' metadata folders carry their versions
    # ("Django-5.2.19.dist-info"); reading the metadata itself would take 50 ms.
    for entry in sys.path:
        folder = Path(entry or ".")
        if folder.is_dir():
            yield from (path.name for path in folder.glob("*.dist-info"))


def _source_files(base_dir: Path):
    for path in base_dir.iterdir():
        if path.name in SKIPPED or path.name.startswith("."):
            continue
        if path.is_dir():
            yield from _source_files(path)
        elif path.suffix in SUFFIXES:
            yield path
