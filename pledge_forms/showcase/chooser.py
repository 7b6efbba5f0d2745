"""The chooser of a member to feature: published, listed members not featured yet.

A Wagtail ``ChooserViewSet`` (the modal that choosers of images and snippets use), with
its own search over the name and city: the listed members' rules (consent, lapse) filter
on columns the search index does not hold, so it searches with the database instead.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser

from pledge_forms.models.pledges import Pledge
from pledge_forms.showcase.members import showcase_pledges

CURATE_PERMISSION = "pledge_forms.change_pledge"


def featurable_members() -> QuerySet[Pledge]:
    """The members that can be featured: listed in the showcase, not featured yet."""
    return showcase_pledges().filter(featured=False).order_by("display_name", "pk")


class MemberSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = objects.filter(
                Q(display_name__icontains=query)
                | Q(legal_name__icontains=query)
                | Q(city__icontains=query)
            )
            self.is_searching = True
            self.search_query = query
        return objects


class CuratorsOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(CURATE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MemberListMixin(CuratorsOnlyMixin):
    filter_form_class = MemberSearchForm

    def get_object_list(self):
        return featurable_members()


class MemberChooseView(MemberListMixin, chooser_views.ChooseView):
    pass


class MemberChooseResultsView(MemberListMixin, chooser_views.ChooseResultsView):
    pass


class MemberChosenView(CuratorsOnlyMixin, chooser_views.ChosenView):
    def get_object(self, pk):
        return featurable_members().get(pk=pk)


class MemberChooser(BaseChooser):
    def get_instance(self, value):
        # A form sent back with a value that is no id shows an empty chooser (and the
        # field's error), not a server error.
        try:
            return super().get_instance(value)
        except (TypeError, ValueError):
            return None


class MemberChooserViewSet(ChooserViewSet):
    model = Pledge
    base_widget_class = MemberChooser
    icon = "group"
    choose_one_text = _("Choose a member")
    choose_another_text = _("Choose another member")
    page_title = _("Choose a member to feature")
    choose_view_class = MemberChooseView
    choose_results_view_class = MemberChooseResultsView
    chosen_view_class = MemberChosenView
    # Featuring is curation, not creating: no "create" tab. Only the curation form uses
    # this widget: it does not replace the chooser of every foreign key to a pledge.
    creation_form_class = None
    register_widget = False


member_chooser_viewset = MemberChooserViewSet(
    "pledge_forms_featured_member_chooser",
    url_prefix="pledge-forms/showcase/member-chooser",
)
