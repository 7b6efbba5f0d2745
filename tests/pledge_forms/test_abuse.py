"""Abuse through the public form and its links: what the form reveals, how often it makes
the site send mail, replayed start tokens, private links in URLs, links in e-mails."""

import os
import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from pledge_forms import emails, services
from pledge_forms.choices import SubmissionKind
from pledge_forms.models import OutgoingMail, Pledge, PledgeSubmission, RateCounter
from pledge_forms.services import links
from pledge_forms.testing.factories import pledge_data, submitted_pledge
from tests.pledge_forms.test_public_form import form_post

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
KNOWN = "Riverside Falls Police Department"  # the name submitted_pledge uses


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _answer(client, page, **overrides):
    """Status, headers (less the clock) and cookies of a post, and the page it leads to."""
    response = client.post("/pledge/", form_post(page, **overrides))
    headers = {
        name: value
        for name, value in response.headers.items()
        if name not in {"Expires", "Date"}
    }
    landing = client.get(response["Location"]) if response.status_code == 302 else None
    shown = landing.content.decode() if landing else response.content.decode()
    return response.status_code, headers, sorted(response.cookies), shown


# --- 1. The form answers a known agency exactly as an unknown one ---


@pytest.mark.parametrize("state", ["unverified", "verified", "declined", "approved"])
def test_the_form_does_not_tell_whether_an_agency_has_pledged(client, form_page, state):
    extra = {"consent_listed": False} if state == "approved" else {}
    submitted_pledge(form_page, state, **extra)
    unknown = _answer(client, form_page, legal_name="Lakeside Sheriff's Office")
    known = _answer(client, form_page, legal_name="riverside falls police dept")
    assert unknown[0] == known[0] == 302
    assert known == unknown  # status, headers, cookies and the page shown
    assert Pledge.objects.filter(normalised_key__startswith="riverside").count() == 1
    # A declined agency's pledge becomes a revision (docs/resubmit.md), not a repeat.
    repeats = 0 if state == "declined" else 1
    assert PledgeSubmission.objects.filter(kind=SubmissionKind.DUPLICATE).count() == (
        repeats
    )


def test_a_repeat_pledge_writes_to_the_contact_on_record_only(form_page, run_on_commit):
    verified = submitted_pledge(form_page, "verified")
    unverified = submitted_pledge(
        form_page, legal_name="Lakeside Sheriff", chief_email="sheriff@lakeside.example"
    )
    mail.outbox.clear()
    typed = "attacker@elsewhere.example"
    for name in (KNOWN, "Lakeside Sheriff"):
        services.submit(
            form_page,
            pledge_data(form_page.checklist, legal_name=name, chief_email=typed),
        )
    assert [message.to for message in mail.outbox] == [
        [verified.chief_email],
        [unverified.chief_email],
    ]
    repeat, confirmation = mail.outbox
    assert "Someone has just sent a pledge" in repeat.body
    assert re.search(r"https?://\S+/update/[A-Za-z0-9_-]{40,}/", repeat.body)
    assert re.search(r"https?://\S+/verify/[A-Za-z0-9_-]{40,}/", confirmation.body)
    assert all(typed not in message.body for message in mail.outbox)


def test_a_declined_agency_sending_again_writes_to_the_contact_on_record_only(
    form_page, run_on_commit
):
    declined = submitted_pledge(form_page, "declined")
    mail.outbox.clear()
    typed = "attacker@elsewhere.example"
    services.submit(form_page, pledge_data(form_page.checklist, chief_email=typed))
    assert [message.to for message in mail.outbox] == [[declined.chief_email]]
    assert "Nothing goes to the reviewers until you check it" in mail.outbox[0].body
    assert typed not in mail.outbox[0].body


# --- 2. Link e-mails per pledge and per day ---


def test_link_e_mails_stop_at_the_daily_limit_and_the_screen_says_the_same(
    client, form_page, settings
):
    settings.PLEDGE_FORMS_LINK_MAILS_PER_DAY = 3
    pledge = submitted_pledge(form_page, "verified")  # its confirmation counts: 1
    answers = [_answer(client, form_page) for _ in range(4)]
    assert (
        len({(status, str(headers), shown) for status, headers, _, shown in answers})
        == 1
    )
    repeats = OutgoingMail.objects.filter(pledge=pledge, purpose="repeat")
    assert repeats.count() == 2
    assert PledgeSubmission.objects.filter(kind=SubmissionKind.DUPLICATE).count() == 4
    # A day later the contact can be written to again.
    OutgoingMail.objects.filter(pledge=pledge).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    _answer(client, form_page)
    assert repeats.count() == 3
    # Staff sending the link from the admin are not limited.
    settings.PLEDGE_FORMS_LINK_MAILS_PER_DAY = 1
    assert services.send_update_link(pledge) is True
    assert services.send_update_link(pledge, limited=True) is False


# --- 3. The start token is good for one accepted post ---


def _started_value(html: str) -> str:
    return re.search(r'name="started" value="([^"]+)"', html).group(1)


def test_a_double_submit_makes_one_pledge_and_keeps_the_answers(client, form_page):
    answers = form_post(form_page)
    assert client.post("/pledge/", answers).status_code == 302
    again = client.post("/pledge/", answers)  # the same start token
    html = again.content.decode()
    assert again.status_code == 200
    assert "already sent once" in html
    assert f'value="{answers["legal_name"]}"' in html
    assert Pledge.objects.count() == 1 and PledgeSubmission.objects.count() == 1
    # The page shown again carries a fresh token, good at once: a deliberate resend
    # goes through (as a repeat of the same agency).
    fresh = _started_value(html)
    assert fresh != answers["started"]
    resent = client.post("/pledge/", {**answers, "started": fresh})
    assert resent.status_code == 302
    assert Pledge.objects.count() == 1 and PledgeSubmission.objects.count() == 2


def test_a_form_sent_back_with_errors_keeps_its_start_token(client, form_page):
    answers = form_post(form_page)
    refused = client.post("/pledge/", {**answers, "city": ""})
    assert refused.status_code == 200
    assert _started_value(refused.content.decode()) == answers["started"]
    assert client.post("/pledge/", answers).status_code == 302
    assert Pledge.objects.count() == 1


def test_an_update_cannot_be_sent_twice_with_one_token(client, form_page):
    pledge = submitted_pledge(form_page, "approved")
    client.get(f"/pledge/update/{services.make_update_token(pledge)}/")
    answers = form_post(form_page, public_statement="Two more practices in place.")
    revisions = pledge.revisions.count()
    assert "Update received" in client.post("/pledge/update/", answers).content.decode()
    again = client.post("/pledge/update/", answers)
    assert "already sent once" in again.content.decode()
    assert pledge.revisions.count() == revisions + 1


@pytest.fixture
def redis_default_cache(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but Redis at {REDIS_URL} is unreachable")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {exc}")
    prefix = f"tbc-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.PLEDGE_FORMS_RATE_CACHE = "default"  # as the site sets it with REDIS_URL
    client = redis.Redis.from_url(REDIS_URL)
    yield client, prefix
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def test_used_start_tokens_are_shared_in_redis_until_the_token_expires(
    client, form_page, redis_default_cache
):
    redis_client, prefix = redis_default_cache
    answers = form_post(form_page)  # a token made a minute ago
    assert client.post("/pledge/", answers).status_code == 302
    keys = list(redis_client.scan_iter(match=f"{prefix}:*started*"))
    assert len(keys) == 1
    ttl = redis_client.ttl(keys[0])
    assert 7 * 86400 - 120 < ttl <= 7 * 86400  # the token's own lifetime, less its age
    # Another app server (another client, same Redis) refuses the replay.
    assert "already sent once" in Client().post("/pledge/", answers).content.decode()
    assert Pledge.objects.count() == 1


def test_without_redis_used_start_tokens_are_a_database_row_every_process_sees(
    client, form_page, settings
):
    settings.PLEDGE_FORMS_RATE_CACHE = None
    answers = form_post(form_page)
    assert client.post("/pledge/", answers).status_code == 302
    claim = RateCounter.objects.get(key__contains="started")
    assert (
        timedelta(days=7) - timedelta(minutes=2)
        < claim.expires_at - timezone.now()
        <= timedelta(days=7, minutes=1)
    )
    cache.clear()  # nothing of it was in this process's memory
    assert "already sent once" in Client().post("/pledge/", answers).content.decode()
    assert Pledge.objects.count() == 1
    # Once the token's lifetime is over the claim is forgotten (the token is refused
    # anyway by then, for its age).
    RateCounter.objects.filter(pk=claim.pk).update(expires_at=timezone.now())
    assert services.claim_once(claim.key, 60) is True


def test_a_start_token_is_claimed_in_one_statement_and_only_once(
    settings, django_assert_num_queries
):
    settings.PLEDGE_FORMS_RATE_CACHE = None
    with django_assert_num_queries(1):
        assert services.claim_once("pledge_forms:started:one", 60) is True
    with django_assert_num_queries(1):
        assert services.claim_once("pledge_forms:started:one", 60) is False


# --- 4. Tokens: checked before any lookup, exchanged for the session ---

# Named, not shown by value: a signed token carries the time it was made, and test ids
# must be the same in every test process.
JUNK = {
    "short": "garbage",
    "too-long": "x" * 201,
    "bad-character": "a" * 60 + "$",
    "path": "../../../../etc/passwd" + "a" * 40,
    "unsigned": links._encode("not:a:signature"),
    "not-base64-json": "A" * 80,
    "other-purpose": links._encode(signing.dumps({"p": 1}, salt="another.purpose")),
}


@pytest.mark.parametrize("token", list(JUNK.values()), ids=list(JUNK))
def test_junk_tokens_are_refused_without_a_query(token, django_assert_num_queries):
    with django_assert_num_queries(0):
        for check in (
            services.pledge_for_update_token,
            services.pledge_for_verify_token,
        ):
            with pytest.raises(services.InvalidLink):
                check(token)


def test_a_junk_link_shows_the_invalid_link_page_and_stores_nothing(client, form_page):
    for route in ("update", "verify"):
        response = client.get(f"/pledge/{route}/{'x' * 300}/")
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    assert dict(client.session.items()) == {}
    assert client.get("/pledge/update/").status_code == 404
    assert client.get("/pledge/verify/").status_code == 404


def test_the_update_link_is_exchanged_for_the_session(client, form_page):
    pledge = submitted_pledge(form_page, "approved")
    token = services.make_update_token(pledge)
    response = client.get(f"/pledge/update/{token}/")
    assert response.status_code == 303
    assert response["Location"] == "/pledge/update/"
    page = client.get("/pledge/update/", follow=True)
    html = page.content.decode()
    assert page.status_code == 200 and "Update of the pledge of" in html
    assert token not in html
    answers = form_post(form_page, public_statement="Two more practices in place.")
    done = client.post("/pledge/update/", answers)
    assert "Update received" in done.content.decode()
    draft = Pledge.objects.get().get_latest_revision_as_object()
    assert draft.public_statement == "Two more practices in place."
    # Another browser has no session: the token-free address means nothing there.
    assert Client().get("/pledge/update/").status_code == 404
    # Revoking the links ends the session's access too.
    services.revoke_update_links(Pledge.objects.get())
    assert client.get("/pledge/update/").status_code == 404


def test_the_confirmation_link_is_exchanged_and_only_a_post_confirms(client, form_page):
    pledge = submitted_pledge(form_page)
    response = client.get(f"/pledge/verify/{services.make_verify_token(pledge)}/")
    assert response.status_code == 303
    assert response["Location"] == "/pledge/verify/"
    button = client.get("/pledge/verify/")
    assert button.status_code == 200 and 'method="post"' in button.content.decode()
    assert Pledge.objects.get().verified_at is None  # link scanners only GET
    confirmed = client.post("/pledge/verify/")
    assert "Pledge confirmed" in confirmed.content.decode()
    assert Pledge.objects.get().is_verified


# --- 5. Text typed by the public never becomes a link in e-mails ---

HOSTILE = (
    'Evil PD https://evil.example/login <a href="https://evil.example">x</a> '
    "help@evil.example www.evil.example"
)


def test_text_typed_by_the_public_is_defanged_and_never_linked_in_e_mails(form_page):
    link = "https://campaign.example.org/pledge/verify/abc/"
    subject, text, html = emails.compose(
        form_page, "confirmation", {"agency": HOSTILE, "link": link}
    )
    for body in (text, html):
        assert "evil.example" not in body and "https://evil" not in body
        assert "www.evil" not in body and "help@" not in body
        assert "evil[.]example" in body and "hxxps[:]//" in body
    assert re.findall(r"\w+://\S+", text) == [link]  # the only address left whole
    assert re.findall(r"<a\b[^>]*>", html) == [f'<a href="{link}">']
    assert "&lt;a href=" in html and "evil" not in subject


def test_a_pledge_with_a_web_address_for_a_name_sends_no_link_to_it(
    form_page, run_on_commit
):
    services.submit(
        form_page, pledge_data(form_page.checklist, legal_name="Visit evil.example now")
    )
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert "evil[.]example" in message.body and "evil.example" not in message.body
    assert "evil.example" not in html
    assert re.findall(r'href="([^"]+)"', html) == [
        re.search(r"https?://\S+/verify/\S+/", message.body).group(0)
    ]


@pytest.mark.parametrize(
    "typed,shown",
    [
        ("St. Louis County Police", "St. Louis County Police"),
        ("Dept. of Public Safety", "Dept. of Public Safety"),
        ("http://a.example", "hxxp[:]//a[.]example"),
        ("ftp://files", "ftp[:]//files"),
        ("me@a.example", "me[@]a[.]example"),
        ("a\u3002example", "a[.]example"),
    ],
)
def test_defanging_breaks_addresses_and_leaves_names_alone(typed, shown):
    assert emails.defang(typed) == shown


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_repeats_send_no_more_than_the_daily_limit(settings):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection
    from wagtail.models import Site

    from pledge_forms.testing.factories import PledgeFormPageFactory, make_checklist

    settings.PLEDGE_FORMS_LINK_MAILS_PER_DAY = 3
    root = Site.objects.get(is_default_site=True).root_page
    page = PledgeFormPageFactory(parent=root, checklist=make_checklist())
    pledge = submitted_pledge(page, "verified")  # its confirmation counts: 1
    barrier = threading.Barrier(10)

    def send(_):
        try:
            barrier.wait()
            return services.submit(page, pledge_data(page.checklist)).duplicate
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        assert all(pool.map(send, range(10)))
    assert OutgoingMail.objects.filter(pledge=pledge, purpose="repeat").count() == 2
