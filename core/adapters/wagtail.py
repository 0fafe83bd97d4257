"""Wagtail's private names: the registry of hooks, which has no public way to take one out.

Checked by tests/test_adapters.py::TestWagtail.
"""

from __future__ import annotations

from wagtail import hooks

__all__ = ["unregister_hook"]


def unregister_hook(hook_name: str, fn) -> None:
    """Take `fn` out of the functions registered for `hook_name` (hooks.get_hooks no longer
    returns it); nothing happens if it was not registered."""
    hooks._hooks[hook_name] = [
        (registered, order)
        for registered, order in hooks._hooks.get(hook_name, [])
        if registered is not fn
    ]
