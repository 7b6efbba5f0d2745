from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgeFormsConfig(AppConfig):
    name = "pledge_forms"
    label = "pledge_forms"
    verbose_name = _("Pledges")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pledge_forms import localization, signals

        signals.connect()
        localization.connect()
