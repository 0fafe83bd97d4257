"""The admin's Peru Update: the register of subscribers (admin_register.py) and sending a
bulletin (admin_sending.py); each module registers its own hooks."""

from . import admin_register, admin_sending  # noqa: F401
