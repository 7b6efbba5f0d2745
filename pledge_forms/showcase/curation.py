"""Admin side of the showcase: curating featured members and the certificate link.

Featuring is part of a pledge's review state (kept on the row, see ``REVIEW_STATE_FIELDS``),
so it changes here at once, without a new revision. Wired from ``wagtail_hooks``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import ListingButton
from wagtail.log_actions import log

from pledge_forms.choices import Stage
from pledge_forms.models.pledges import Pledge
from pledge_forms.showcase.members import listed_members
from pledge_forms.showcase.models import showcase_page
from pledge_forms.showcase.signals import showcase_changed

CURATE_PERMISSION = "pledge_forms.change_pledge"
MAX_FEATURED = 50


class AddFeaturedForm(forms.Form):
    slug = forms.SlugField(
        label=gettext_lazy("Member's address (slug)"),
        help_text=gettext_lazy(
            "The part after /members/ in the member page's address."
        ),
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        pledge = listed_members().filter(slug=slug).first()
        if pledge is None:
            raise forms.ValidationError(
                _("No published, listed member has this address.")
            )
        if pledge.featured:
            raise forms.ValidationError(_("This member is already featured."))
        self.pledge = pledge
        return slug


def _featured():
    return list(
        Pledge.objects.filter(featured=True)
        .only("pk", "display_name", "slug", "featured_order", "live", "consent_listed")
        .order_by("featured_order", "display_name", "pk")
    )


def curation_view(request):
    """Featured members in their order: change the order, remove, add by address."""
    if not request.user.has_perm(CURATE_PERMISSION):
        raise PermissionDenied
    featured = _featured()
    add_form = AddFeaturedForm(request.POST if "add" in request.POST else None)
    errors: list[str] = []
    if request.method == "POST" and "add" in request.POST:
        if add_form.is_valid():
            pledge = add_form.pledge
            order = max((p.featured_order for p in featured), default=0) + 1
            if len(featured) >= MAX_FEATURED:
                errors.append(
                    _("At most %(n)s members can be featured.") % {"n": MAX_FEATURED}
                )
            else:
                Pledge.objects.filter(pk=pledge.pk).update(
                    featured=True, featured_order=order
                )
                log(pledge, "pledge_forms.feature", user=request.user)
                showcase_changed.send(sender=Pledge, pledges=[pledge])
                messages.success(request, _("%(name)s is featured.") % {"name": pledge})
                return redirect("pledge_forms_showcase_curation")
    elif request.method == "POST" and "save" in request.POST:
        changes = {}
        for pledge in featured:
            raw = request.POST.get(f"order-{pledge.pk}", "").strip()
            remove = request.POST.get(f"remove-{pledge.pk}") == "on"
            try:
                order = int(raw)
                if not 0 <= order <= 32767:
                    raise ValueError
            except ValueError:
                errors.append(
                    _("Give %(name)s a whole number from 0 to 32767.")
                    % {"name": pledge}
                )
                continue
            changes[pledge.pk] = (pledge, order, remove)
        if not errors:
            changed = []
            with transaction.atomic():
                for pledge, order, remove in changes.values():
                    if remove:
                        Pledge.objects.filter(pk=pledge.pk).update(featured=False)
                        log(pledge, "pledge_forms.unfeature", user=request.user)
                        changed.append(pledge)
                    elif order != pledge.featured_order:
                        Pledge.objects.filter(pk=pledge.pk).update(featured_order=order)
                        changed.append(pledge)
                if changed:
                    showcase_changed.send(sender=Pledge, pledges=changed)
            messages.success(request, _("The featured members are saved."))
            return redirect("pledge_forms_showcase_curation")
    return TemplateResponse(
        request,
        "pledge_forms/admin/showcase_curation.html",
        {
            "featured": featured,
            "add_form": add_form,
            "errors": errors,
            "posted": request.POST if request.method == "POST" else {},
        },
    )


def certificate_view(request, pk):
    """The public certificate of a completed member, found through the showcase page."""
    pledge = get_object_or_404(listed_members(), pk=pk, stage=Stage.COMPLETED)
    page = showcase_page()
    if page is None:
        raise Http404(_("The site has no live showcase page."))
    return redirect(page.absolute_url(request, "certificate", slug=pledge.slug))


def admin_urls():
    return [
        path(
            "pledge-forms/showcase/",
            curation_view,
            name="pledge_forms_showcase_curation",
        ),
        path(
            "pledge-forms/showcase/certificate/<int:pk>/",
            certificate_view,
            name="pledge_forms_showcase_certificate",
        ),
    ]


class CurationMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(CURATE_PERMISSION)


def menu_item():
    return CurationMenuItem(
        gettext_lazy("Showcase curation"),
        reverse("pledge_forms_showcase_curation"),
        icon_name="pick",
        order=310,
    )


def certificate_buttons(snippet, user, next_url=None):
    """A link to the certificate of a completed, published member."""
    if not isinstance(snippet, Pledge) or not snippet.live:
        return []
    if snippet.stage != Stage.COMPLETED:
        return []
    return [
        ListingButton(
            _("Certificate (PDF)"),
            reverse("pledge_forms_showcase_certificate", args=[snippet.pk]),
            priority=60,
        )
    ]


def register_log_actions(actions):
    actions.register_action(
        "pledge_forms.feature",
        _("Feature in the showcase"),
        _("Featured in the showcase"),
    )
    actions.register_action(
        "pledge_forms.unfeature",
        _("Stop featuring in the showcase"),
        _("No longer featured in the showcase"),
    )
