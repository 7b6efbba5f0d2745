"""The pledge form in steps (``pledge_forms.steps``), with its answers kept in a draft;
and an update of a pledge, opened by its update link, in the same steps (``UPDATE``).

Every step is a page of its own that works without JavaScript: "Continue" checks the
step's answers and goes on, "Back" keeps what was typed (checked or not) and goes back,
"Save and continue later" keeps it and asks where to e-mail a private resume link. The
answers live in a ``PledgeDraft`` on the server; the visitor's session only names it. The
last step shows every answer with a link to change it, and its button sends the pledge:
the whole pledge is checked again then, as one form (``PledgeForm`` without a step), and
the draft is marked sent; a worker stores it with ``services.submit`` like any pledge,
duplicates included (``pledge_forms.sending``).

The spam checks of the one-page form apply to the draft: the trap field travels in the
first step, and a pledge sent sooner than ``MIN_FILL_SECONDS`` after its draft began is
refused. A sent draft is found no more, so a second click on "Send" finds nothing to send
again and is shown the same "received" page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from pledge_forms import checked, conf, localization, sending, services
from pledge_forms.forms import (
    EMAIL_MAX_LENGTH,
    EMAIL_TOO_LONG,
    EVIDENCE_FILE_PREFIX,
    HONEYPOT_FIELD,
    ErrorSummaryMixin,
    MonthField,
)
from pledge_forms.models.drafts import PledgeDraft
from pledge_forms.models.pledges import IDENTITY_FIELDS
from pledge_forms.services import drafts
from pledge_forms.steps import CHECK, neighbours, step_by_slug
from pledge_forms.views import (
    UPDATE_SESSION_KEY,
    client_address,
    exchange_token,
    initial_from,
    invalid_link,
    render_page,
    see_other,
    session_token,
)

logger = logging.getLogger(__name__)

DRAFT_SESSION_KEY = "pledge_forms_draft"
UPDATE_DRAFT_SESSION_KEY = "pledge_forms_update_draft"
RESUME_SESSION_KEY = "pledge_forms_resume"
STEP_TEMPLATE = "pledge_forms/pledge_step.html"
CHECK_TEMPLATE = "pledge_forms/pledge_check.html"
SAVE_TEMPLATE = "pledge_forms/pledge_save.html"
ACTIONS = ("next", "back", "save")


class SaveForm(ErrorSummaryMixin, forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        help_text=gettext_lazy("We send the private link to go on to this address."),
        max_length=EMAIL_MAX_LENGTH,
        error_messages={"max_length": EMAIL_TOO_LONG},
    )
    email.widget.attrs["autocomplete"] = "email"


@dataclass(frozen=True)
class Flow:
    """A new pledge (its routes at the page's own address) or an update of one (under
    ``update/``, opened by its update link, sent by ``services.submit_update``)."""

    prefix: str
    session_key: str

    @property
    def for_update(self) -> bool:
        return bool(self.prefix)


NEW = Flow("", DRAFT_SESSION_KEY)
UPDATE = Flow("update/", UPDATE_DRAFT_SESSION_KEY)


def _session_key(page, flow: Flow = NEW) -> str:
    # By the default language's form page: changing language keeps the draft.
    return f"{flow.session_key}:{page.source_page.pk}"


def _draft(request, page, flow: Flow = NEW) -> PledgeDraft | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    return drafts.find(
        page, session.get(_session_key(page, flow), ""), for_update=flow.for_update
    )


def _route(page, route: str, flow: Flow = NEW) -> str:
    return page.url.rstrip("/") + "/" + flow.prefix + route


def _step_url(page, slug: str, flow: Flow = NEW) -> str:
    if slug == "agency" and not flow.for_update:
        return _route(page, "")
    if slug == CHECK:
        return _route(page, "check/", flow)
    return _route(page, f"step/{slug}/", flow)


def _method_not_allowed() -> HttpResponse:
    return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})


def _initial(form, answers, visited: bool) -> dict:
    """Unbound fields showing the draft's answers (a ticked box stays as it was left)."""
    initial = {}
    for name, field in form.fields.items():
        values = answers.getlist(name)
        if isinstance(field, forms.MultipleChoiceField):
            if values:
                initial[name] = values
        elif values:
            initial[name] = values[-1]
        elif visited and isinstance(field, forms.BooleanField):
            initial[name] = False
    return initial


def _context(page, form, draft, step, flow: Flow = NEW, steps=None, **extra) -> dict:
    """``steps`` are the form's (``form`` may be None on "check your answers")."""
    steps = form.steps if steps is None else steps
    before, after = neighbours(steps, step)
    if form is not None:
        form.kept_files = drafts.kept_files(draft) if draft else {}
    return {
        "form": form,
        "step": step,
        "steps": steps,
        "done_steps": set(draft.done_steps) if draft else set(),
        "draft": draft,
        "update": flow.for_update,
        "pledge": draft.pledge if draft is not None and flow.for_update else None,
        "post_url": _route(page, f"step/{step.slug}/", flow),
        "back_url": _step_url(page, before.slug, flow) if before else "",
        "check_url": _route(page, "check/", flow),
        "files": drafts.kept_files(draft) if draft else {},
        "is_last_question_step": after is not None and after.slug == CHECK,
        **extra,
    }


def _get_form(page, *args, flow: Flow = NEW, **kwargs):
    if flow.for_update:
        # The agency's identity is shown, never posted (disabled fields): the draft's.
        answers = kwargs.get("answers") or {}
        kwargs["initial"] = {
            **{name: answers.get(name) for name in IDENTITY_FIELDS},
            **(kwargs.get("initial") or {}),
        }
    return page.get_form(
        *args, check_timing=False, for_update=flow.for_update, **kwargs
    )


@never_cache
def step(request: HttpRequest, page, slug: str = "agency") -> HttpResponse:
    """One step of a new pledge: GET shows it with the answers so far; POST keeps them."""
    if not page.is_open:
        return render_page(request, page, "pledge_forms/pledge_closed.html")
    return _step(request, page, slug, NEW)


def _step(request, page, slug: str, flow: Flow) -> HttpResponse:
    if request.method not in {"GET", "HEAD", "POST"}:
        return _method_not_allowed()
    if slug == CHECK:
        return _check(request, page, flow)
    draft = _draft(request, page, flow)
    if draft is None and flow.for_update:
        return see_other(_route(page, "", flow))  # the update link's page makes one
    answers = drafts.answers_of(draft)
    form = _get_form(page, step=slug, answers=answers, flow=flow)
    current = form.step
    if current is None:
        return render_page(
            request, page, "pledge_forms/pledge_link_invalid.html", status=404
        )
    first = form.steps[0]
    if draft is None and current != first:
        return see_other(_step_url(page, first.slug, flow))
    if request.method == "POST":
        return _post_step(request, page, draft, current, flow)
    if draft is not None and current.slug in draft.done_steps:
        form = _get_form(page, answers, step=slug, answers=answers, flow=flow)
        form.is_valid()
    elif draft is not None:
        visited = current.slug == draft.step or any(
            name in draft.answers for name in current.fields
        )
        form = _get_form(
            page,
            step=slug,
            answers=answers,
            flow=flow,
            initial=_initial(form, answers, visited),
        )
    return _render_step(request, page, form, draft, current, flow)


def _render_step(request, page, form, draft, current, flow: Flow) -> HttpResponse:
    """A step's page; "returning" (from "check your answers") while ``change`` is set."""
    returning = bool(request.GET.get("change") or request.POST.get("change"))
    return render_page(
        request,
        page,
        STEP_TEMPLATE,
        **_context(page, form, draft, current, flow, returning=returning),
    )


def _post_step(request, page, draft, current, flow: Flow) -> HttpResponse:
    action = request.POST.get("action", "next")
    action = action if action in ACTIONS else "next"
    if action == "save" and flow.for_update:
        action = "next"  # an update's draft is kept anyway; its link leads back
    if draft is None:
        if services.too_many_drafts(client_address(request)):
            form = _get_form(page, request.POST, step=current.slug, flow=flow)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Too many pledges were begun from your network in the last hour. "
                    "Please try again later; your answers are still here."
                ),
            )
            response = _render_step(request, page, form, None, current, flow)
            response.status_code = 429
            return response
        # Stored with its first answers below (one INSERT).
        draft = PledgeDraft(
            form_page=page.source_page, language=localization.content_language()
        )
        request.session[_session_key(page)] = draft.key
    answers = drafts.answers_of(draft)
    form = _get_form(
        page,
        request.POST,
        request.FILES,
        step=current.slug,
        answers=answers,
        flow=flow,
    )
    valid = form.is_valid()
    drafts.keep_answers(
        draft, current.fields, request.POST, step=current.slug, valid=valid
    )
    if valid:
        checked.remember(page, draft, form, for_update=flow.for_update)
    _keep_uploads(request, draft, form)
    before, after = neighbours(form.steps, current)
    if action == "back" and before is not None:
        return see_other(_step_url(page, before.slug, flow))
    if action == "save":
        return see_other(_route(page, "save/"))
    if not valid:
        return _render_step(request, page, form, draft, current, flow)
    changing = bool(request.POST.get("change"))
    if changing and current.slug == "agency" and not flow.for_update:
        # A new country may change the state/province: ask for it again.
        return see_other(_step_url(page, after.slug, flow) + "?change=1")
    if changing:
        return see_other(_route(page, "check/", flow))
    return see_other(_step_url(page, after.slug, flow))


def _keep_uploads(request, draft, form) -> None:
    """Uploads that passed their checks wait with the draft; "remove" drops one."""
    checked = form.evidence_uploads() if hasattr(form, "cleaned_data") else {}
    for name in form.fields:
        if not (name == "logo" or name.startswith(EVIDENCE_FILE_PREFIX)):
            continue
        if request.POST.get(f"remove_{name}"):
            drafts.drop_file(draft, name)
        elif name in checked:
            drafts.keep_evidence(draft, name, checked[name])
        elif name == "logo" and "logo" not in form.errors and form.processed_logo:
            drafts.keep_file(
                draft, name, form.processed_logo, form.cleaned_data[name].name
            )


def _whole_form(page, draft, flow: Flow = NEW):
    """The whole pledge as the draft answers it, checked as one form."""
    answers = drafts.answers_of(draft)
    form = _get_form(page, answers, answers=answers, flow=flow)
    form.is_valid()
    return form


def _valid_steps(form) -> list[str]:
    """The slugs of the question steps of the checked ``form`` with no problem left."""
    return [
        current.slug
        for current in form.steps
        if current.slug != CHECK
        and not any(name in form.errors for name in current.fields)
    ]


def _problem_links(page, form, flow: Flow = NEW) -> list[tuple[str, str]]:
    """(link, text) for each answer that still has a problem, in the order of the steps."""
    links = []
    for current in form.steps:
        for name in current.fields:
            if name not in form.fields or name == HONEYPOT_FIELD:
                continue
            for message in form.errors.get(name, ()):
                field = form[name]
                anchor = field.auto_id + (
                    "_0" if isinstance(field.field.widget, forms.RadioSelect) else ""
                )
                links.append(
                    (
                        f"{_step_url(page, current.slug, flow)}?change=1#{anchor}",
                        f"{current.title} – {field.label}: {message}",
                    )
                )
    return links


def _shown(field) -> list[str]:
    """The answer of the bound ``field`` (or a ``checked.Answer``) as lines of text."""
    value = field.value()
    if isinstance(field.field, forms.BooleanField):
        return [_("Yes") if value else _("No")]
    if value in (None, "", []):
        return []
    if isinstance(field.field, forms.ChoiceField):
        labels = getattr(field, "labels", None)
        if labels is None:
            labels = checked.choice_labels(field.field.choices)
        values = value if isinstance(value, list) else [value]
        return [str(labels.get(str(item), item)) for item in values]
    if isinstance(field.field, MonthField):
        try:
            return [date_format(datetime.strptime(value, "%Y-%m"), "YEAR_MONTH_FORMAT")]
        except (TypeError, ValueError):
            return [str(value)]
    return [str(value)]


def _bound(form):
    """``form[name]``, None for a name that is no field of ``form``."""
    return lambda name: form[name] if name in form.fields else None


def _answer_sections(page, steps, answer, files, flow: Flow = NEW) -> list[dict]:
    """Every step's answers, as the "check your answers" page lists them: ``answer``
    gives each field bound to its answer (``_bound``, ``checked.KeptForm.answered``)."""
    sections = []
    details = (
        ("target_", _("Target month")),
        ("evidence_url_", _("Evidence link")),
        ("note_", _("Note")),
    )
    for current in steps:
        if current.slug == CHECK:
            continue
        rows = []
        if current.kind == "practices":
            for item in current.items:
                status = answer(f"practice_{item.pk}")
                lines = _shown(status)
                for prefix, label in details:
                    detail = answer(f"{prefix}{item.pk}")
                    if detail is not None:
                        lines += [f"{label}: {line}" for line in _shown(detail)]
                entry = files.get(f"evidence_file_{item.pk}")
                if entry:
                    lines.append(
                        _("Evidence file: %(name)s") % {"name": entry["original"]}
                    )
                rows.append(
                    {
                        "label": status.label,
                        "lines": lines,
                        "anchor": f"{status.auto_id}_0",
                    }
                )
        else:
            for name in current.fields:
                field = answer(name)
                if field is None or name in ("started", HONEYPOT_FIELD):
                    continue
                lines = _shown(field)
                if name in files:
                    lines = [files[name]["original"]]
                elif isinstance(field.field, forms.FileField):
                    lines = []
                rows.append(
                    {"label": field.label, "lines": lines, "anchor": field.auto_id}
                )
        sections.append(
            {"step": current, "url": _step_url(page, current.slug, flow), "rows": rows}
        )
    return sections


@never_cache
def check(request: HttpRequest, page) -> HttpResponse:
    """Every answer with a link to change it; its button sends the pledge."""
    if not page.is_open:
        return render_page(request, page, "pledge_forms/pledge_closed.html")
    return _check(request, page, NEW)


def _check(request, page, flow: Flow) -> HttpResponse:
    if request.method not in {"GET", "HEAD", "POST"}:
        return _method_not_allowed()
    draft = _draft(request, page, flow)
    if draft is None:
        if request.method == "POST":
            # Sent already (a second click) or never begun: the same answer either way.
            return see_other(_route(page, "received/", flow))
        return see_other(_step_url(page, "agency", flow))
    if request.method != "POST":
        response = _show_checked(request, page, draft, flow)
        if response is not None:
            return response
    form = _whole_form(page, draft, flow)
    current = step_by_slug(form.steps, CHECK)
    status = 200
    if request.method == "POST" and form.is_valid():
        sender = _send_update if flow.for_update else _send
        sent = sender(request, page, draft, form)
        if isinstance(sent, HttpResponse):
            return sent
        status = sent
    return render_page(
        request,
        page,
        CHECK_TEMPLATE,
        status=status,
        **_context(
            page,
            form,
            draft,
            current,
            flow,
            problem_links=_problem_links(page, form, flow),
            non_field_errors=form.non_field_errors(),
            answer_sections=_answer_sections(
                page, form.steps, _bound(form), drafts.kept_files(draft), flow
            ),
            save_url=_route(page, "save/"),
        ),
    )


def _show_checked(request, page, draft, flow: Flow) -> HttpResponse | None:
    """ "Check your answers" for a draft whose every step passed as it stands
    (``pledge_forms.checked``): its answers listed by the kept whole form, nothing
    checked again, nothing to fix. None for any other draft."""
    kept = checked.kept_form(page, for_update=flow.for_update)
    if not checked.all_checked(page, draft, kept.steps, for_update=flow.for_update):
        return None
    answer = kept.answered(drafts.answers_of(draft), for_update=flow.for_update)
    return render_page(
        request,
        page,
        CHECK_TEMPLATE,
        **_context(
            page,
            None,
            draft,
            step_by_slug(kept.steps, CHECK),
            flow,
            steps=kept.steps,
            problem_links=[],
            non_field_errors=[],
            answer_sections=_answer_sections(
                page, kept.steps, answer, drafts.kept_files(draft), flow
            ),
            save_url=_route(page, "save/"),
        ),
    )


def _send(request, page, draft, form) -> HttpResponse | int:
    """Send the draft's pledge (a worker stores it). When it cannot be sent now: the
    status of the page that says why (the reason is added to ``form``)."""
    client = client_address(request)
    if form.spam:
        drafts.delete(draft)
        return see_other(_route(page, "received/"))
    started = timezone.now() - draft.created_at
    if started < timedelta(seconds=conf.get("MIN_FILL_SECONDS")):
        form.add_error(
            None,
            _(
                "That was very fast. Please check your answers and send the pledge again."
            ),
        )
        return 200
    if services.rate_limited(client):
        form.add_error(
            None,
            _(
                "Too many pledges came from your network in the last hour. Please "
                "try again later; your answers are kept."
            ),
        )
        return 429
    sent = _store(request, page, draft, form, NEW)
    if sent == 503:
        services.release_rate_limit(client)
    return sent


def _send_update(request, page, draft, form) -> HttpResponse | int:
    """Send an update draft through the update link that opened it."""
    token = session_token(request, UPDATE_SESSION_KEY)
    try:
        pledge = services.pledge_for_update_token(token)
    except services.InvalidLink:
        return invalid_link(request, page)
    if pledge.pk != draft.pledge_id:
        return invalid_link(request, page)
    return _store(request, page, draft, form, UPDATE)


def _store(request, page, draft, form, flow: Flow) -> HttpResponse | int:
    """Send the draft with the answers of ``form`` (``sending.send``): a worker stores
    it. Sent already (a click a moment ago) or now, the same "received" page; 503 (with
    a message on ``form``) when the database fails.

    The session keeps naming the draft: a sent draft is found no more, and the next
    pledge begun in this session names its own (writing the session would cost this
    request a transaction of its own)."""
    try:
        sending.send(draft, form, client_address(request))
    except DatabaseError:
        logger.exception("Sending a draft failed")
        form.add_error(
            None,
            _(
                "Your answers could not be stored just now. Please send them again in "
                "a few minutes; they are kept."
            ),
        )
        return 503
    return see_other(_route(page, "received/", flow))


@never_cache
def update_start(request: HttpRequest, page) -> HttpResponse:
    """Where the update link leads once its token is in the session: the update's
    draft (made from the pledge as it stands, or the one begun before), shown as
    "check your answers" with a link to change each one."""
    try:
        pledge = services.pledge_for_update_token(
            session_token(request, UPDATE_SESSION_KEY)
        )
    except services.InvalidLink:
        return invalid_link(request, page)
    if pledge.form_page_id not in (None, page.source_page.pk) or not hasattr(
        request, "session"
    ):
        return invalid_link(request, page)
    draft = drafts.update_draft(page, pledge, _initial_answers(pledge, page))
    if not draft.done_steps:
        # The pledge as it stands answers every step the form still accepts as it is.
        drafts.mark_done(draft, _valid_steps(_whole_form(page, draft, UPDATE)))
    request.session[_session_key(page, UPDATE)] = draft.key
    return see_other(_route(page, "check/", UPDATE))


def _initial_answers(pledge, page) -> dict[str, list[str]]:
    """The pledge's latest answers as a form would post them."""
    answers = {}
    for name, value in initial_from(pledge, page).items():
        if value is None or value == "" or value is False:
            continue
        if value is True:
            answers[name] = ["on"]
        elif name.startswith("target_"):
            answers[name] = [value.strftime("%Y-%m")]
        elif hasattr(value, "isoformat"):
            answers[name] = [value.isoformat()]
        else:
            answers[name] = [str(value)]
    return answers


@never_cache
def update_step(request: HttpRequest, page, slug: str) -> HttpResponse:
    return _step(request, page, slug, UPDATE)


@never_cache
def update_check(request: HttpRequest, page) -> HttpResponse:
    return _check(request, page, UPDATE)


@never_cache
def update_received(request: HttpRequest, page) -> HttpResponse:
    return render_page(request, page, "pledge_forms/pledge_update_received.html")


@never_cache
def save(request: HttpRequest, page) -> HttpResponse:
    """Where to e-mail the private link to go on later; then how long it works."""
    if request.method not in {"GET", "HEAD", "POST"}:
        return _method_not_allowed()
    draft = _draft(request, page)
    if draft is None:
        return see_other(_step_url(page, "agency"))
    initial = {
        "email": draft.resume_email or drafts.answers_of(draft).get("chief_email") or ""
    }
    context = {
        "draft": draft,
        "continue_url": _step_url(page, draft.step or "agency"),
        "discard_url": _route(page, "discard/"),
    }
    if request.method == "POST" and request.POST.get("action") == "revoke":
        drafts.revoke_links(draft)
        form = SaveForm(initial=initial)
        return render_page(
            request, page, SAVE_TEMPLATE, form=form, revoked=True, **context
        )
    sent = refused = False
    if request.method == "POST":
        form = SaveForm(request.POST)
        if form.is_valid():
            sent = drafts.save_for_later(draft, form.cleaned_data["email"])
            refused = not sent
            draft.refresh_from_db()
    else:
        form = SaveForm(initial=initial)
    return render_page(
        request,
        page,
        SAVE_TEMPLATE,
        form=form,
        sent=sent,
        refused=refused,
        expires=drafts.link_expires(draft) if sent else None,
        **context,
    )


@never_cache
def discard(request: HttpRequest, page) -> HttpResponse:
    """Delete the draft (and with it every resume link)."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    draft = _draft(request, page)
    if draft is not None:
        drafts.delete(draft)
        request.session.pop(_session_key(page), None)
    return render_page(request, page, "pledge_forms/pledge_discarded.html")


@never_cache
def resume(request: HttpRequest, page, token: str) -> HttpResponse:
    """The link in the "saved" e-mail: its token goes into the session (see views)."""
    response = exchange_token(
        request, page, token, RESUME_SESSION_KEY, services.draft_for_resume_token
    )
    if response is not None:
        return response
    return _open_draft(request, page, token)


@never_cache
def resume_pending(request: HttpRequest, page) -> HttpResponse:
    return _open_draft(request, page, session_token(request, RESUME_SESSION_KEY))


def _open_draft(request, page, token: str) -> HttpResponse:
    try:
        draft = services.draft_for_resume_token(token)
    except services.InvalidLink:
        return invalid_link(request, page)
    if draft.form_page_id != page.source_page.pk or not hasattr(request, "session"):
        return invalid_link(request, page)
    request.session[_session_key(page)] = draft.key
    request.session.pop(RESUME_SESSION_KEY, None)
    return see_other(_step_url(page, draft.step or "agency"))
