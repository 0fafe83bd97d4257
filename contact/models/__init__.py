"""The contact app's models, one module per concern. Forms and notifications import the module
they need (messages), never this package, so nothing here imports back into what imports it."""

from .messages import ContactEmail, ContactMessage
from .pages import ContactPage

__all__ = ["ContactEmail", "ContactMessage", "ContactPage"]
