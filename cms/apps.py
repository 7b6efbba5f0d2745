from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Site"

    def ready(self):
        from cms import (
            languages,
            moderation_mail,
            page_cache,
            public_address,
            site_text,
            spreadsheets,
        )
        from cms.staff_auth import middleware  # noqa: F401 (connects its signal)

        page_cache.connect_signals()
        site_text.connect()
        # Before wagtail.admin connects its own: moderation mail goes to the task worker.
        moderation_mail.connect()
        spreadsheets.neutralise_every_export()
        # The default Wagtail Site follows PUBLIC_URL whenever the database is migrated.
        post_migrate.connect(
            public_address.on_post_migrate,
            sender=self,
            dispatch_uid="cms-public-address-site",
        )
        # A Wagtail locale for every content language (a new language is a setting).
        post_migrate.connect(
            languages.ensure_locales, sender=self, dispatch_uid="cms-ensure-locales"
        )
        if apps.is_installed("pledge_forms.showcase"):
            # Curating the showcase (featuring, ordering) publishes nothing but changes pages.
            from pledge_forms.showcase.signals import showcase_changed

            showcase_changed.connect(
                page_cache._on_members_changed,
                dispatch_uid="page-cache-showcase-changed",
            )
