"""Sign-in protection: repeated failures lock out a username and an address for a while."""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

from wagtail.admin.forms.auth import LoginForm

logger = logging.getLogger(__name__)


def _key(kind, value):
    digest = hashlib.sha256(str(value).lower().encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def client_ip(request):
    # REMOTE_ADDR is the proxy's address behind nginx; trust its X-Forwarded-For only there.
    if settings.LOGIN_LOCKOUT_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


class LockoutLoginForm(LoginForm):
    """Wagtail's sign-in form, refusing to check passwords once too many have failed."""

    lockout_message = (
        "Too many failed sign-in attempts. For your security, signing in is paused for "
        "%(minutes)d minutes. Try again later, or ask another administrator to reset your "
        "password."
    )

    def clean(self):
        username = self.cleaned_data.get("username", "")
        ip = client_ip(self.request) if self.request else ""
        keys = {"user": _key("user", username), "ip": _key("ip", ip)}
        limits = {
            "user": settings.LOGIN_LOCKOUT_PER_USER,
            "ip": settings.LOGIN_LOCKOUT_PER_IP,
        }
        counts = cache.get_many(list(keys.values()))
        if any(counts.get(keys[kind], 0) >= limits[kind] for kind in keys):
            logger.warning("Sign-in refused while locked out: username=%r ip=%s", username, ip)
            raise ValidationError(
                self.lockout_message,
                code="locked_out",
                params={"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60},
            )
        try:
            return super().clean()
        except ValidationError:
            for key in keys.values():
                if not cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
                    try:
                        cache.incr(key)
                    except ValueError:  # expired in between
                        cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS)
            logger.warning("Failed sign-in: username=%r ip=%s", username, ip)
            raise
        finally:
            if self.get_user() is not None:
                cache.delete(keys["user"])
