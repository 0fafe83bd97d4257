"""The membership app's models, one module per concern. Forms and notifications import the
module they need (applications, site_settings), never this package, so nothing here imports
back into what imports it."""

from .applications import ApplicationEmail, MembershipApplication, MembershipTier
from .pages import JoinPage
from .pitch import MembershipPitch, MembershipReason
from .site_settings import MembershipSettings

__all__ = [
    "ApplicationEmail",
    "JoinPage",
    "MembershipApplication",
    "MembershipPitch",
    "MembershipReason",
    "MembershipSettings",
    "MembershipTier",
]
