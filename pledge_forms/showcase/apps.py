from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgeShowcaseConfig(AppConfig):
    """The public member showcase of the pledge plugin: member directory, member pages,
    badges, certificates, statistics, open data and the members API. Needs
    ``pledge_forms`` (the core), which never needs it."""

    name = "pledge_forms.showcase"
    label = "pledge_forms_showcase"
    verbose_name = _("Member showcase")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pledge_forms.showcase import signals

        signals.connect()
