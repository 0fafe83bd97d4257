from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = "Peru Update"

    def ready(self):
        # Bounces and complaints from the mail provider's webhooks stop mail to an address.
        from . import bounces  # noqa: F401
