from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Site"

    def ready(self):
        from cms import page_cache

        page_cache.connect_signals()
