"""Public views of the pledge form page (its routes stay thin: services do the work).

What the form answers never depends on whether the agency has pledged before: a repeat is
stored and its recorded contact told by e-mail (``services.submit``), the screen is the
same "received" page.

Private links (confirmation, update) are exchanged for the session on first use: the GET
of ``verify/<token>/`` or ``update/<token>/`` stores the token in the session and redirects
to ``verify/`` or ``update/``, so the token does not stay in the address bar, the history,
``Referer`` headers or access logs of later requests.
"""

import logging

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from pledge_forms import conf, services

logger = logging.getLogger(__name__)

VERIFY_SESSION_KEY = "pledge_forms_verify"
UPDATE_SESSION_KEY = "pledge_forms_update"


def client_address(request: HttpRequest) -> str:
    """The sender's address, read behind the site's trusted proxies (``PROXY_COUNT``)."""
    return services.client_address(request.META, conf.proxy_count())


def render_page(request, page, template, status=200, **context):
    full = page.get_context(request)
    full.update(context)
    # The form's own address is its one page for search engines: its steps, the check,
    # save, confirmation and update screens depend on a visitor's session, so they name
    # the form as their canonical address (rendered by the site's base template).
    if status >= 400:
        full.setdefault("robots", "noindex")
        full.setdefault("canonical_url", "")  # an error (a link that does not work)
    else:
        full.setdefault("canonical_url", page.get_url(request))
    return TemplateResponse(request, template, full, status=status)


def _route_url(request, route: str) -> str:
    """A sibling route of the form page (the form always posts to the page's own URL)."""
    return request.path.rstrip("/") + "/" + route


def invalid_link(request, page) -> HttpResponse:
    return render_page(
        request, page, "pledge_forms/pledge_link_invalid.html", status=404
    )


def see_other(url: str) -> HttpResponse:
    """A 303 redirect: the browser follows it with a GET, whatever the method was."""
    response = redirect(url)
    response.status_code = 303
    return response


def exchange_token(request, page, token: str, session_key: str, check):
    """The first use of a private link: keep its token in the session, drop it from the URL.

    ``check`` (a service) rejects a forged, expired or revoked token first: junk never
    reaches the session. A GET is redirected (303) to the token-free route; a POST (a form
    that was open before links worked this way) is answered by that route's view here.
    Returns the response to send, or ``None`` when the caller should answer the POST.
    """
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    try:
        check(token)
    except services.InvalidLink:
        return invalid_link(request, page)
    if not hasattr(request, "session"):  # a site without sessions keeps token URLs
        return None
    request.session[session_key] = token
    if request.method == "POST":
        return None
    token_free = request.path.rstrip("/").rpartition("/")[0] + "/"
    return see_other(token_free)


def session_token(request, session_key: str) -> str:
    """The private link's token kept in the session under ``session_key`` (or "")."""
    session = getattr(request, "session", None)
    return session.get(session_key, "") if session is not None else ""


@never_cache
def pledge_form(request: HttpRequest, page) -> HttpResponse:
    if not page.is_open:
        return render_page(request, page, "pledge_forms/pledge_closed.html")
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
                return render_page(request, page, page.template, status=429, form=form)
            if not form.claim_started():
                form.refuse_replay()
                return render_page(request, page, page.template, form=form)
            try:
                services.submit(
                    page,
                    {**form.pledge_data(), **form.store_evidence_files()},
                    form.labels(),
                    client_address=client,
                    logo=form.processed_logo,
                )
            except DatabaseError:
                # Nothing was stored (a logo media storage refuses is kept for later,
                # never an error here): the post does not count against the limit.
                logger.exception("Storing a pledge failed")
                services.release_rate_limit(client)
                form.release_started()
                form.add_error(
                    None,
                    _(
                        "Your pledge could not be stored just now. Please send it again "
                        "in a few minutes; your answers are still here."
                    ),
                )
                return render_page(request, page, page.template, status=503, form=form)
            else:
                # A repeat pledge gets the same answer as a new one (``result.duplicate``
                # is not shown): the form must not tell who has pledged.
                return redirect(_route_url(request, "received/"))
    elif request.method in {"GET", "HEAD"}:
        form = page.get_form()
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    form.release_started()  # nothing was stored: the same form may be sent again
    return render_page(request, page, page.template, form=form)


def received(request: HttpRequest, page) -> HttpResponse:
    return render_page(request, page, page.landing_page_template)


@never_cache
def verify(request: HttpRequest, page, token: str) -> HttpResponse:
    """The link in the confirmation e-mail: its token goes into the session."""
    response = exchange_token(
        request, page, token, VERIFY_SESSION_KEY, services.pledge_for_verify_token
    )
    if response is not None:
        return response
    return _verify_page(request, page, token)


@never_cache
def verify_pending(request: HttpRequest, page) -> HttpResponse:
    """The token-free confirmation page; the token is the one kept in the session."""
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    return _verify_page(request, page, session_token(request, VERIFY_SESSION_KEY))


def _verify_page(request, page, token: str) -> HttpResponse:
    """GET shows a button; only the POST confirms (link scanners never verify)."""
    try:
        pledge = services.pledge_for_verify_token(token)
    except services.InvalidLink:
        return invalid_link(request, page)
    if request.method == "POST":
        try:
            pledge = services.verify(token)
        except services.InvalidLink:
            return invalid_link(request, page)
        if hasattr(request, "session"):
            request.session.pop(VERIFY_SESSION_KEY, None)
        return render_page(
            request, page, "pledge_forms/pledge_verified.html", pledge=pledge
        )
    return render_page(
        request,
        page,
        "pledge_forms/pledge_verify.html",
        pledge=pledge,
        already=pledge.is_verified,
    )


def initial_from(pledge, page) -> dict:
    """The pledge's latest answers (its newest revision), as the form's initial values."""
    draft = pledge.get_latest_revision_as_object()
    initial = {name: getattr(draft, name) for name in services.PLEDGE_FIELDS}
    rows = {row.item_id: row for row in draft.practices.all()}
    for item in page.checklist_items():
        row = rows.get(item.pk)
        initial[f"practice_{item.pk}"] = row.status if row else ""
        initial[f"note_{item.pk}"] = row.note if row else ""
        initial[f"target_{item.pk}"] = row.target_month if row else None
        initial[f"evidence_url_{item.pk}"] = row.evidence_url if row else ""
    return initial


@never_cache
def update(request: HttpRequest, page, token: str) -> HttpResponse:
    """The link in the update e-mail: its token goes into the session."""
    response = exchange_token(
        request, page, token, UPDATE_SESSION_KEY, services.pledge_for_update_token
    )
    if response is not None:
        return response
    return _update_page(request, page, token)


@never_cache
def update_pending(request: HttpRequest, page) -> HttpResponse:
    """The token-free update form; the token is the one kept in the session."""
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    return _update_page(request, page, session_token(request, UPDATE_SESSION_KEY))


def _update_page(request, page, token: str) -> HttpResponse:
    try:
        pledge = services.pledge_for_update_token(token)
    except services.InvalidLink:
        return invalid_link(request, page)
    if pledge.form_page_id not in (None, page.source_page.pk):
        return invalid_link(request, page)
    initial = initial_from(pledge, page)
    if request.method == "POST":
        form = page.get_form(
            request.POST, request.FILES, initial=initial, for_update=True
        )
        # The start token is claimed only for a post that will be stored.
        if form.is_valid() and not form.spam and not form.claim_started():
            form.refuse_replay()
        elif form.is_valid() and not form.spam:
            try:
                services.submit_update(
                    token,
                    {**form.pledge_data(), **form.store_evidence_files()},
                    form.labels(),
                    client_address=client_address(request),
                    logo=form.processed_logo,
                )
            except DatabaseError:
                logger.exception("Storing a pledge update failed")
                form.release_started()
                form.add_error(
                    None,
                    _(
                        "Your update could not be stored just now. Please send it again "
                        "in a few minutes; your answers are still here."
                    ),
                )
                return render_page(
                    request,
                    page,
                    "pledge_forms/pledge_update.html",
                    status=503,
                    form=form,
                    pledge=pledge,
                )
            else:
                return render_page(
                    request,
                    page,
                    "pledge_forms/pledge_update_received.html",
                    pledge=pledge,
                )
    else:
        form = page.get_form(initial=initial, for_update=True)
    form.release_started()  # nothing was stored: the same form may be sent again
    return render_page(
        request, page, "pledge_forms/pledge_update.html", form=form, pledge=pledge
    )
