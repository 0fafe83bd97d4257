"""The settings for Django's email backend, from the same values on every Django release:
`MAILERS` from Django 6.1, which replaces EMAIL_BACKEND and the other EMAIL_* settings
(docs.djangoproject.com/en/6.1/howto/mailers-migration/), and those settings before it."""

import django

SMTP = "django.core.mail.backends.smtp.EmailBackend"
# MAILERS' option for each EMAIL_* setting.
OPTION_SETTINGS = {
    "host": "EMAIL_HOST",
    "port": "EMAIL_PORT",
    "username": "EMAIL_HOST_USER",
    "password": "EMAIL_HOST_PASSWORD",
    "use_tls": "EMAIL_USE_TLS",
    "use_ssl": "EMAIL_USE_SSL",
    "timeout": "EMAIL_TIMEOUT",
}


def uses_mailers() -> bool:
    return django.VERSION >= (6, 1)


def mail_settings(backend: str, **options) -> dict:
    """{setting: value} for `backend` with SMTP `options` (host, port, username, password,
    use_tls, use_ssl, timeout). On MAILERS only the SMTP backend is given them: Django 6.1's
    other backends refuse options they do not know."""
    if uses_mailers():
        given = options if backend == SMTP else {}
        return {"MAILERS": {"default": {"BACKEND": backend, "OPTIONS": given}}}
    return {"EMAIL_BACKEND": backend, **{OPTION_SETTINGS[k]: v for k, v in options.items()}}
