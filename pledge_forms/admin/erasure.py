"""Erasing one agency's personal data on request (the right to erasure).

Staff who may delete pledges (``pledge_forms.delete_pledge``) get an "Erase personal data"
button on a pledge; it opens a page that names what will be emptied and, once confirmed,
runs the same erasure as the retention rules (``pledge_forms.services.privacy.erase``) at
once. The audit log says who erased which pledge, when, and what was emptied.
"""

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter

from pledge_forms.models.pledges import Pledge
from pledge_forms.models.privacy import ErasureReason, PledgeErasure
from pledge_forms.services import privacy

ERASE_PERMISSION = "pledge_forms.delete_pledge"
ERASE_LABEL = _("Erase personal data")
# The field labels the confirm page and the audit log show.
FIELD_LABELS = {
    "practice notes": _("practice notes"),
    "practice evidence": _("evidence links and files of practices"),
}


def field_label(name: str) -> str:
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    try:
        return str(Pledge._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a name from an older version of the plugin
        return name


def erase_url(pledge: Pledge) -> str:
    return reverse("pledge_forms_erasure:erase", args=[pledge.pk])


class EraseView(View):
    """Confirm (GET) and run (POST) the erasure of one pledge's personal data."""

    template_name = "pledge_forms/admin/erase_confirm.html"

    def dispatch(self, request, pk):
        if not request.user.has_perm(ERASE_PERMISSION):
            raise PermissionDenied
        self.pledge = get_object_or_404(Pledge, pk=pk)
        return super().dispatch(request)

    def _inspect_url(self) -> str:
        return reverse(
            "wagtailsnippets_pledge_forms_pledge:inspect", args=[self.pledge.pk]
        )

    def get(self, request):
        plan = privacy.erasure_plan(self.pledge)
        return TemplateResponse(
            request,
            self.template_name,
            {
                "pledge": self.pledge,
                "plan": plan,
                "field_labels": [field_label(name) for name in plan.fields],
                "erasure": PledgeErasure.objects.filter(pledge=self.pledge).first(),
                "inspect_url": self._inspect_url(),
                "header_title": ERASE_LABEL,
            },
        )

    def post(self, request):
        record = privacy.erase(self.pledge, ErasureReason.REQUEST, user=request.user)
        if record is None:
            messages.warning(
                request, _("The personal data of this pledge was already erased.")
            )
        else:
            messages.success(
                request,
                _("The personal data of pledge %(pk)s was erased.")
                % {"pk": self.pledge.pk},
            )
        return redirect(self._inspect_url())


def erasure_urls():
    return [
        path(
            "pledge-erasure/",
            (
                [path("<int:pk>/", EraseView.as_view(), name="erase")],
                "pledge_forms_erasure",
                "pledge_forms_erasure",
            ),
        )
    ]


def erase_button(snippet, user, next_url=None):
    """The listing's "Erase personal data" button, for those allowed (no query a row:
    the page it opens says when the erasure was already done)."""
    if not isinstance(snippet, Pledge) or not user.has_perm(ERASE_PERMISSION):
        return []
    return [Button(ERASE_LABEL, erase_url(snippet), priority=90)]


class EraseFormatter(LogFormatter):
    label = _("Erase personal data")

    def format_message(self, log_entry):
        return _("Personal data erased (%(reason)s)") % {
            "reason": ErasureReason(log_entry.data.get("reason")).label
            if log_entry.data.get("reason") in ErasureReason.values
            else log_entry.data.get("reason", "")
        }

    def format_comment(self, log_entry):
        data = log_entry.data
        fields = ", ".join(field_label(name) for name in data.get("fields", []))
        return _(
            "Emptied: %(fields)s; in %(revisions)s revision(s), %(submissions)s "
            "submission(s) and %(mails)s e-mail(s)."
        ) % {
            "fields": fields,
            "revisions": data.get("revisions", 0),
            "submissions": data.get("submissions", 0),
            "mails": data.get("mails", 0),
        }


def register_erasure_log_actions(actions):
    actions.register_action(privacy.ERASE_ACTION)(EraseFormatter)
