from .pages import BulletinIndexPage, BulletinPage
from .sending import BulletinDelivery, BulletinSend
from .subscribers import Subscriber, Suppression, normalise_email

__all__ = [
    "BulletinIndexPage",
    "BulletinPage",
    "BulletinDelivery",
    "BulletinSend",
    "Subscriber",
    "Suppression",
    "normalise_email",
]
