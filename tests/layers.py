"""The caching and shortcut layers this run has on (each can be switched off by a setting,
core/caching/ and core/adapters/): tests that measure a layer itself skip when it is off,
saying so; every other test passes either way."""

from django.conf import settings

import pytest

LAYERS = {
    "fragment cache": settings.FRAGMENT_CACHE,
    "routing shortcuts": settings.ROUTING_SHORTCUTS,
    "privacy shortcuts": settings.PRIVACY_SHORTCUTS,
    "one-pass search ranking": settings.SEARCH_ONE_PASS_RANKING,
}
ALL_ON = all(LAYERS.values())


def needs(*layers: str):
    """Skip unless every named layer is on in this run."""
    off = [layer for layer in layers if not LAYERS[layer]]
    return pytest.mark.skipif(bool(off), reason=f"measures the {', '.join(off)}: off in this run")


# Every layer a page's query count depends on.
needs_all = needs(*LAYERS)
