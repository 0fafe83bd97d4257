from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Site"

    def ready(self):
        from . import roles, translation_privacy

        roles.connect()
        translation_privacy.connect()
