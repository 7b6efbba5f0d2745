"""The choosers of a practice and of a pledge in the admin."""

from django.core.exceptions import PermissionDenied
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.widgets import AdminSnippetChooser

from pledge_forms.choices import ReviewStatus
from pledge_forms.models.pledges import Pledge


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


# Choosing a pledge needs a right on pledges; Wagtail's chooser asks only for admin access.
CHOOSE_PERMISSIONS = ("pledge_forms.view_pledge", "pledge_forms.change_pledge")


def choosable_pledges(user, queryset=None):
    """The pledges the chooser offers ``user``: every pledge to reviewers (who see them all
    in the listing anyway), only published members (what the public sees) to others with a
    pledge right, and none without one. A pledge is chosen to appear on a page: an
    unconfirmed or declined pledge has no business there, and its name stays out of sight."""
    if queryset is None:
        queryset = Pledge.objects.all()
    if not any(user.has_perm(name) for name in CHOOSE_PERMISSIONS):
        return queryset.none()
    if user.has_perm("pledge_forms.review_pledge"):
        return queryset
    return queryset.filter(live=True).exclude(review_status=ReviewStatus.DECLINED)


class PledgeChooserAccessMixin:
    """Refuses the chooser's views to users without a pledge right."""

    def dispatch(self, request, *args, **kwargs):
        if not any(request.user.has_perm(name) for name in CHOOSE_PERMISSIONS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PledgeChooseView(PledgeChooserAccessMixin, chooser_views.ChooseView):
    def get_object_list(self):
        return choosable_pledges(self.request.user, super().get_object_list())


class PledgeChooseResultsView(
    PledgeChooserAccessMixin, chooser_views.ChooseResultsView
):
    def get_object_list(self):
        return choosable_pledges(self.request.user, super().get_object_list())


class PledgeChosenView(PledgeChooserAccessMixin, chooser_views.SnippetChosenView):
    def get_object(self, pk):
        return choosable_pledges(self.request.user).get(pk=pk)


class PledgeChosenMultipleView(
    PledgeChooserAccessMixin, chooser_views.SnippetChosenMultipleView
):
    def get_objects(self, pks):
        return choosable_pledges(self.request.user).filter(pk__in=pks)


class PledgeChooserViewSet(SnippetChooserViewSet):
    choose_view_class = PledgeChooseView
    choose_results_view_class = PledgeChooseResultsView
    chosen_view_class = PledgeChosenView
    chosen_multiple_view_class = PledgeChosenMultipleView
