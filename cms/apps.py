from django.apps import AppConfig, apps


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Site"

    def ready(self):
        from cms import moderation_mail, page_cache

        page_cache.connect_signals()
        # Before wagtail.admin connects its own: moderation mail goes to the task worker.
        moderation_mail.connect()
        if apps.is_installed("pledge_forms.showcase"):
            # Curating the showcase (featuring, ordering) publishes nothing but changes pages.
            from pledge_forms.showcase.signals import showcase_changed

            showcase_changed.connect(
                page_cache._on_change, dispatch_uid="page-cache-showcase-changed"
            )
