"""Cache keys that change with the content (CACHES' KEY_FUNCTION for the page and fragment
caches): nothing cached outlives a change a reader could see.

Every key starts with the cache's KEY_PREFIX, which carries the code's version
(config/release.py), then the content version (core/caching/version.py), so a deploy or any
change makes every earlier entry unreachable at once; old entries simply age out.
"""

from django.utils.translation import get_language

from .version import content_version


def page_key(key: str, key_prefix: str, version: int) -> str:
    """For whole pages: their address already says which language they are in."""
    return f"{key_prefix}:{version}:c{content_version()}:{key}"


def fragment_key(key: str, key_prefix: str, version: int) -> str:
    """For fragments: also the active language, since a fragment's words follow it."""
    return f"{key_prefix}:{version}:c{content_version()}:{get_language() or '-'}:{key}"
