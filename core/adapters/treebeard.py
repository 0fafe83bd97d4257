"""django-treebeard's private names: the parent a node keeps so get_parent() needs no query.

Checked by tests/test_adapters.py::TestTreebeard.
"""

from __future__ import annotations

from wagtail.models import Page


def remember_parent(page: Page, parent: Page) -> None:
    """Make page.get_parent() return `parent` without a query."""
    page._cached_parent_obj = parent
