"""Public views of the pledge form page (its routes stay thin: services do the work)."""

import logging

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from pledge_forms import services

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _render(request, page, template, status=200, **context):
    full = page.get_context(request)
    full.update(context)
    return TemplateResponse(request, template, full, status=status)


def _route_url(request, route: str) -> str:
    """A sibling route of the form page (the form always posts to the page's own URL)."""
    return request.path.rstrip("/") + "/" + route


@never_cache
def pledge_form(request: HttpRequest, page) -> HttpResponse:
    if not page.is_open:
        return _render(request, page, "pledge_forms/pledge_closed.html")
    if request.method == "POST":
        form = page.get_form(request.POST, request.FILES)
        if form.is_valid():
            if form.spam:
                return redirect(_route_url(request, "received/"))
            client = client_address(request)
            if services.rate_limited(client):
                form.add_error(
                    None,
                    _(
                        "Too many pledges came from your network in the last hour. "
                        "Please try again later; your answers are still here."
                    ),
                )
                return _render(request, page, page.template, status=429, form=form)
            try:
                result = services.submit(
                    page,
                    form.pledge_data(),
                    form.labels(),
                    client_address=client,
                    logo=form.processed_logo,
                )
            except DatabaseError:
                # Nothing was stored (a logo media storage refuses is kept for later,
                # never an error here): the post does not count against the limit.
                logger.exception("Storing a pledge failed")
                services.release_rate_limit(client)
                form.add_error(
                    None,
                    _(
                        "Your pledge could not be stored just now. Please send it again "
                        "in a few minutes; your answers are still here."
                    ),
                )
                return _render(request, page, page.template, status=503, form=form)
            else:
                if result.duplicate:
                    return _render(
                        request,
                        page,
                        "pledge_forms/pledge_duplicate.html",
                        pledge_verified=result.pledge.is_verified,
                    )
                return redirect(_route_url(request, "received/"))
    elif request.method in {"GET", "HEAD"}:
        form = page.get_form()
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    return _render(request, page, page.template, form=form)


def received(request: HttpRequest, page) -> HttpResponse:
    return _render(request, page, page.landing_page_template)


@never_cache
def verify(request: HttpRequest, page, token: str) -> HttpResponse:
    """GET shows a button; only the POST confirms (link scanners never verify)."""
    try:
        pledge = services.pledge_for_verify_token(token)
    except services.InvalidLink:
        return _render(
            request, page, "pledge_forms/pledge_link_invalid.html", status=404
        )
    if request.method == "POST":
        try:
            pledge = services.verify(token)
        except services.InvalidLink:
            return _render(
                request, page, "pledge_forms/pledge_link_invalid.html", status=404
            )
        return _render(
            request, page, "pledge_forms/pledge_verified.html", pledge=pledge
        )
    return _render(
        request,
        page,
        "pledge_forms/pledge_verify.html",
        pledge=pledge,
        already=pledge.is_verified,
    )


def _initial_from(pledge, page) -> dict:
    draft = pledge.get_latest_revision_as_object()
    initial = {name: getattr(draft, name) for name in services.PLEDGE_FIELDS}
    rows = {row.item_id: row for row in draft.practices.all()}
    for item in page.checklist_items():
        row = rows.get(item.pk)
        initial[f"practice_{item.pk}"] = row.status if row else ""
        initial[f"note_{item.pk}"] = row.note if row else ""
    return initial


@never_cache
def update(request: HttpRequest, page, token: str) -> HttpResponse:
    try:
        pledge = services.pledge_for_update_token(token)
    except services.InvalidLink:
        return _render(
            request, page, "pledge_forms/pledge_link_invalid.html", status=404
        )
    if pledge.form_page_id not in (None, page.pk):
        return _render(
            request, page, "pledge_forms/pledge_link_invalid.html", status=404
        )
    initial = _initial_from(pledge, page)
    if request.method == "POST":
        form = page.get_form(
            request.POST, request.FILES, initial=initial, for_update=True
        )
        if form.is_valid() and not form.spam:
            try:
                services.submit_update(
                    token,
                    form.pledge_data(),
                    form.labels(),
                    client_address=client_address(request),
                    logo=form.processed_logo,
                )
            except DatabaseError:
                logger.exception("Storing a pledge update failed")
                form.add_error(
                    None,
                    _(
                        "Your update could not be stored just now. Please send it again "
                        "in a few minutes; your answers are still here."
                    ),
                )
                return _render(
                    request,
                    page,
                    "pledge_forms/pledge_update.html",
                    status=503,
                    form=form,
                    pledge=pledge,
                )
            else:
                return _render(
                    request,
                    page,
                    "pledge_forms/pledge_update_received.html",
                    pledge=pledge,
                )
    else:
        form = page.get_form(initial=initial, for_update=True)
    return _render(
        request, page, "pledge_forms/pledge_update.html", form=form, pledge=pledge
    )
