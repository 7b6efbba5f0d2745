"""Reports → My exports: the large exports a user asked for, and their files. A file is
only ever sent to the user who asked for it, while they still have the export permission."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from pledge_forms.admin.inbox import SUBMISSIONS_PERMISSION
from pledge_forms.admin.views import EXPORT_PERMISSION
from pledge_forms.choices import ExportStatus
from pledge_forms.models.exports import ExportJob

LISTING_PERMISSIONS = (EXPORT_PERMISSION, SUBMISSIONS_PERMISSION)


def may_export(user) -> bool:
    return any(user.has_perm(name) for name in LISTING_PERMISSIONS)


class MyExportsView(WagtailAdminTemplateMixin, TemplateView):
    """The user's own exports; only for those who may export (the menu item's rule)."""

    template_name = "pledge_forms/admin/my_exports.html"
    page_title = _("My exports")
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        if not may_export(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jobs"] = ExportJob.objects.filter(user=self.request.user)[:100]
        context["done"] = ExportStatus.DONE
        context["failed"] = ExportStatus.FAILED
        return context


class ExportDownloadView(View):
    def get(self, request, pk):
        job = get_object_or_404(
            ExportJob, pk=pk, user=request.user, status=ExportStatus.DONE
        )
        if not request.user.has_perm(job.permission):
            raise PermissionDenied
        if not job.file:
            raise Http404
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=job.filename
        )


class MyExportsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_export(request.user)


def my_exports_menu_item():
    return MyExportsMenuItem(
        _("My exports"),
        reverse("pledge_forms_exports:index"),
        name="pledge-exports",
        icon_name="download",
        order=900,
    )


def my_exports_urls():
    urlpatterns = [
        path("", MyExportsView.as_view(), name="index"),
        path("<int:pk>/download/", ExportDownloadView.as_view(), name="download"),
    ]
    return [
        path(
            "pledge-exports/",
            (urlpatterns, "pledge_forms_exports", "pledge_forms_exports"),
        )
    ]
