"""How the plugin's translatable models tell a translation editor which fields to keep.

``wagtail-localize`` (when a site installs it) reads ``override_translatable_fields``: the
fields named here are copied from the source to every translation and cannot be changed in
it, so codes, numbers and form keys stay the same in every language. Without the package the
models are still translatable with Wagtail's own tools, and the list is empty.
"""

try:
    from wagtail_localize.fields import SynchronizedField
except ImportError:  # pragma: no cover - the site runs without wagtail-localize
    SynchronizedField = None


def synchronized(*names: str) -> list:
    if SynchronizedField is None:  # pragma: no cover
        return []
    return [SynchronizedField(name, overridable=False) for name in names]


class ShowsTranslation:
    """Refuses to save an instance that shows another language's words
    (``pledge_forms.localization``): it is the source's record with borrowed words."""

    def save(self, *args, **kwargs):
        if getattr(self, "display_language", None):
            raise ValueError(
                f"{type(self).__name__} {self.pk} shows the words of "
                f"{self.display_language!r}; save the translation itself instead."
            )
        return super().save(*args, **kwargs)
