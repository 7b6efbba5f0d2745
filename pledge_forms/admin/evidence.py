"""Reviewers download a pledge's evidence files here, and nowhere else.

A file is sent only to a signed-in admin user with ``EVIDENCE_PERMISSION`` (the right to see
contact details and practice notes, which the Campaign reviewers group has and editors do
not), and only when the pledge's rows or one of its revisions name it (an update waiting for
review is in the latest revision, not in the rows yet). Anything else answers 404, as for a
missing file.

The file is streamed through the site, also on S3, rather than redirected to a signed URL:
the headers stay ours whatever the bucket keeps (a download, never shown inline; no type
sniffing; a sandbox if a browser renders it anyway; no shared cache), the check runs at
every request, and no link that works without a login ever leaves the admin. Files are at
most ``PLEDGE_FORMS_EVIDENCE_MAX_BYTES`` (10 MB), so streaming them costs little.
"""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views import View

from pledge_forms import evidence
from pledge_forms.models.pledges import CONTACTS_PERMISSION, Pledge
from pledge_forms.services.evidence import pledge_evidence_names

EVIDENCE_PERMISSION = CONTACTS_PERMISSION


def may_see_evidence(user) -> bool:
    return bool(user and user.has_perm(EVIDENCE_PERMISSION))


class EvidenceFileView(View):
    def get(self, request, pk, name):
        if not may_see_evidence(request.user):
            raise PermissionDenied
        if not evidence.is_evidence_name(name):
            raise Http404
        pledge = get_object_or_404(Pledge, pk=pk)
        if name not in pledge_evidence_names(pledge):
            raise Http404
        try:
            handle = evidence.evidence_storage().open(name, "rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=evidence.display_name(name),
            content_type=evidence.content_type(name),
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response


def evidence_urls():
    urlpatterns = [
        path("<int:pk>/<path:name>", EvidenceFileView.as_view(), name="file"),
    ]
    return [
        path(
            "pledge-evidence/",
            (urlpatterns, "pledge_forms_evidence", "pledge_forms_evidence"),
        )
    ]
