"""Admin side of the showcase: curating featured members and the certificate link.

Members are featured with a chooser (:mod:`.chooser`) and ordered by drag and drop with
Wagtail's own ordering controller (its keyboard moves work too: focus the handle, arrow
up or down, Enter), or with the Up and Down buttons, which work without JavaScript.

Featuring is part of a pledge's review state (kept on the row, see ``REVIEW_STATE_FIELDS``),
so it changes here at once, without a new revision. Wired from ``wagtail_hooks``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import ListingButton
from wagtail.log_actions import log

from pledge_forms.choices import Stage
from pledge_forms.models.pledges import Pledge
from pledge_forms.showcase.chooser import (
    CURATE_PERMISSION,
    featurable_members,
    member_chooser_viewset,
)
from pledge_forms.showcase.members import listed_members
from pledge_forms.showcase.models import showcase_page
from pledge_forms.showcase.signals import showcase_changed

MAX_FEATURED = 50


class AddFeaturedForm(forms.Form):
    pledge = forms.ModelChoiceField(
        label=gettext_lazy("Member"),
        queryset=Pledge.objects.all(),
        widget=member_chooser_viewset.widget_class(),
        error_messages={
            "required": gettext_lazy("Choose the member to feature."),
            "invalid_choice": gettext_lazy(
                "No published, listed member is this one; choose another."
            ),
        },
    )

    def clean_pledge(self):
        pledge = self.cleaned_data["pledge"]
        if pledge.featured:
            raise forms.ValidationError(_("This member is already featured."))
        if not featurable_members().filter(pk=pledge.pk).exists():
            raise forms.ValidationError(
                _("No published, listed member is this one; choose another.")
            )
        return pledge


def _featured():
    return list(
        Pledge.objects.filter(featured=True)
        .only("pk", "display_name", "slug", "featured_order", "live", "consent_listed")
        .order_by("featured_order", "display_name", "pk")
    )


def move_featured(pledge_id: int, position: int) -> list[Pledge]:
    """Put the featured member ``pledge_id`` at ``position`` (from 0) among the featured
    members, which are numbered 1, 2, 3... in their new order; the members whose number
    changed (none when it was there already). The showcase is told of them.

    Raises ``Pledge.DoesNotExist`` when the member is not featured."""
    with transaction.atomic():
        featured = list(
            Pledge.objects.select_for_update()
            .filter(featured=True)
            .only("pk", "display_name", "slug", "featured_order")
            .order_by("featured_order", "display_name", "pk")
        )
        moving = next((p for p in featured if p.pk == pledge_id), None)
        if moving is None:
            raise Pledge.DoesNotExist
        featured.remove(moving)
        featured.insert(max(0, min(position, len(featured))), moving)
        changed = []
        for order, pledge in enumerate(featured, start=1):
            if pledge.featured_order != order:
                Pledge.objects.filter(pk=pledge.pk).update(featured_order=order)
                pledge.featured_order = order
                changed.append(pledge)
        if changed:
            showcase_changed.send(sender=Pledge, pledges=changed)
    return changed


def _feature(request, pledge: Pledge, featured: list[Pledge]) -> str | None:
    if len(featured) >= MAX_FEATURED:
        return _("At most %(n)s members can be featured.") % {"n": MAX_FEATURED}
    order = max((p.featured_order for p in featured), default=0) + 1
    Pledge.objects.filter(pk=pledge.pk).update(featured=True, featured_order=order)
    log(pledge, "pledge_forms.feature", user=request.user)
    showcase_changed.send(sender=Pledge, pledges=[pledge])
    messages.success(request, _("%(name)s is featured.") % {"name": pledge})
    return None


def _unfeature(request, pledge: Pledge) -> None:
    Pledge.objects.filter(pk=pledge.pk).update(featured=False)
    log(pledge, "pledge_forms.unfeature", user=request.user)
    showcase_changed.send(sender=Pledge, pledges=[pledge])
    messages.success(request, _("%(name)s is no longer featured.") % {"name": pledge})


def _parse_move(value: str, featured: list[Pledge]) -> tuple[Pledge, int] | None:
    """``"<pk>:up"`` or ``"<pk>:down"``: the member and its new position."""
    pk, _sep, direction = value.partition(":")
    ids = [p.pk for p in featured]
    if not pk.isdigit() or int(pk) not in ids or direction not in ("up", "down"):
        return None
    index = ids.index(int(pk))
    return featured[index], index - 1 if direction == "up" else index + 1


def curation_view(request):
    """Featured members in their order: add one with the chooser, move one up or down
    (buttons, or drag and drop / the keyboard with JavaScript), remove one."""
    if not request.user.has_perm(CURATE_PERMISSION):
        raise PermissionDenied
    featured = _featured()
    add_form = AddFeaturedForm(request.POST if "add" in request.POST else None)
    errors: list[str] = []
    if request.method == "POST":
        by_pk = {str(p.pk): p for p in featured}
        if "add" in request.POST:
            if add_form.is_valid():
                error = _feature(request, add_form.cleaned_data["pledge"], featured)
                if error is None:
                    return redirect("pledge_forms_showcase_curation")
                errors.append(error)
        elif "remove" in request.POST:
            pledge = by_pk.get(request.POST["remove"])
            if pledge is None:
                errors.append(_("This member is not featured (any more)."))
            else:
                _unfeature(request, pledge)
                return redirect("pledge_forms_showcase_curation")
        elif "move" in request.POST:
            move = _parse_move(request.POST["move"], featured)
            if move is None:
                errors.append(_("This member is not featured (any more)."))
            else:
                pledge, position = move
                if move_featured(pledge.pk, position):
                    messages.success(request, _("The order is saved."))
                return redirect("pledge_forms_showcase_curation")
    return TemplateResponse(
        request,
        "pledge_forms/admin/showcase_curation.html",
        {
            "featured": featured,
            "add_form": add_form,
            "errors": errors,
            "reorder_url": reverse("pledge_forms_showcase_reorder", args=[999999]),
        },
    )


@require_POST
def reorder_view(request, pk):
    """Drag and drop (or the keyboard) in the listing: Wagtail's ordering controller posts
    the member's new position (from 0) as ``?position=``, as in its own listings."""
    if not request.user.has_perm(CURATE_PERMISSION):
        raise PermissionDenied
    raw = request.GET.get("position", request.POST.get("position", ""))
    if not raw.isdigit():
        return JsonResponse({"error": _("Give the position as a number.")}, status=400)
    try:
        move_featured(pk, int(raw))
    except Pledge.DoesNotExist:
        raise Http404(_("This member is not featured.")) from None
    return JsonResponse({"success": True})


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
            "pledge-forms/showcase/reorder/<int:pk>/",
            reorder_view,
            name="pledge_forms_showcase_reorder",
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
