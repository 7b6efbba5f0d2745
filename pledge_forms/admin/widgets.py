"""The chooser of a practice in the admin."""

from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.widgets import AdminSnippetChooser


class ChecklistItemChooser(AdminSnippetChooser):
    """Chooses a practice; given ``known`` (practices by id, already read), it shows the
    chosen practice without reading it again.

    The pledge's practice rows (pledge_forms.panels.PracticeFormSet) read the practices of
    the checklist once and give them to the chooser of each row: otherwise each of the 25
    rows reads its practice on its own."""

    known = None

    def get_instance(self, value):
        if self.known and value is not None and not isinstance(value, self.model_class):
            try:
                return self.known[int(value)]
            except (KeyError, TypeError, ValueError):
                pass
        return super().get_instance(value)


class ChecklistItemChooserViewSet(SnippetChooserViewSet):
    base_widget_class = ChecklistItemChooser
