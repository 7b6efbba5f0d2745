"""Every e-mail of the pledge flow: one branded HTML layout and a plain-text part, how long
its link stays valid (from the setting the token check reads), and an update notice for
reviewers that says it is an update."""

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.utils import timezone

from pledge_forms import emails, services
from pledge_forms.models import OutgoingMail, PledgeDraft
from pledge_forms.services import drafts, lapse, links
from pledge_forms.testing.factories import pledge_data, submitted_pledge

pytestmark = pytest.mark.django_db

LAYOUT = 'class="pledge-email-layout"'  # the table of pledge_forms/emails/base.html
HOSTILE = "Visit https://evil.example/login or help@evil.example"


def _mails_of(purpose):
    return list(OutgoingMail.objects.filter(purpose=purpose).order_by("pk"))


def _every_kind(form_page):
    """One stored message of each kind, sent the way the pledge flow sends it."""
    pledge = submitted_pledge(form_page, "verified")  # confirmation, reviewer
    services.submit(form_page, pledge_data(form_page.checklist))  # repeat
    links.send_update_link(pledge)  # update
    services.submit_update(
        services.make_update_token(pledge), pledge_data(form_page.checklist)
    )  # reviewer_update
    services.approve(pledge)  # approved
    lapse.send_reminders(timezone.now() + timedelta(days=370))  # reminder
    other = submitted_pledge(form_page, "verified", legal_name="Lakeside Sheriff")
    services.decline(other, "Not a law-enforcement agency.")  # declined
    again = pledge_data(form_page.checklist, legal_name="Lakeside Sheriff")
    services.submit(form_page, again)  # resubmitted (the address on record)
    services.decline(other, "Still not one.")
    again["chief_email"] = "someone@elsewhere.example"
    services.submit(form_page, again)  # resubmit_waiting (another address)
    third = submitted_pledge(form_page, "verified", legal_name="Hilltop Police")
    services.request_changes(third, "Add the policy dates.")  # changes_requested
    draft = PledgeDraft.objects.create(form_page=form_page)
    drafts.save_for_later(draft, "chief@example.org")  # draft_saved
    return {
        kind: _mails_of(kind)[0]
        for kind in (
            "confirmation",
            "reviewer",
            "repeat",
            "update",
            "reviewer_update",
            "approved",
            "declined",
            "reminder",
            "resubmitted",
            "resubmit_waiting",
            "changes_requested",
            "draft_saved",
        )
    }


def test_every_kind_has_both_parts_and_the_html_part_uses_the_layout(
    form_page, run_on_commit, settings
):
    settings.PLEDGE_FORMS_MAIL_POSTAL_ADDRESS = "1 Main Street\nSpringfield"
    sent = _every_kind(form_page)
    assert set(sent) == set(emails.default_templates())
    for kind, stored in sent.items():
        assert stored.body_text.strip(), kind
        assert LAYOUT in stored.body_html, kind
        assert "<html" not in stored.body_text and LAYOUT not in stored.body_text
        for body in (stored.body_text, stored.body_html):
            assert "Springfield" in body, kind  # the footer: the campaign's address
            assert "You receive this e-mail because" in body, kind
    assert "reviewer" in sent["reviewer"].body_text
    assert "reviewer" not in sent["confirmation"].body_text
    # What the SMTP backend got: the text as body, the layout as the HTML alternative.
    delivered = {message.body: message for message in mail.outbox}
    for kind, stored in sent.items():
        message = delivered[stored.body_text]
        assert message.subject == stored.subject, kind
        assert message.alternatives == [(stored.body_html, "text/html")], kind


@pytest.mark.parametrize(
    "kind,setting",
    [
        ("confirmation", "PLEDGE_FORMS_VERIFY_MAX_AGE_DAYS"),
        ("repeat", "PLEDGE_FORMS_UPDATE_MAX_AGE_DAYS"),
        ("update", "PLEDGE_FORMS_UPDATE_MAX_AGE_DAYS"),
    ],
)
@pytest.mark.parametrize("days", [1, 9, 400])
def test_the_validity_sentence_follows_the_setting(
    form_page, settings, kind, setting, days
):
    setattr(settings, setting, days)
    link = "https://campaign.example.org/pledge/verify/abc/"
    _subject, text, html = emails.compose(form_page, kind, {"link": link})
    unit = "day" if days == 1 else "days"
    sentence = f"This link stays valid for {days} {unit} after this e-mail was sent."
    assert sentence in text and sentence in html
    assert text.count("stays valid for") == 1


def test_every_kind_with_a_link_has_decided_how_long_it_lasts():
    with_link = {
        kind
        for kind, template in emails.default_templates().items()
        if "{link}" in template.body
    }
    decided = set(emails.LINK_MAX_AGE_SETTINGS) | emails.LINKS_WITHOUT_EXPIRY
    assert with_link == decided
    assert not set(emails.LINK_MAX_AGE_SETTINGS) & emails.LINKS_WITHOUT_EXPIRY


def test_a_kind_nobody_classified_makes_no_claim_about_its_link():
    assert emails.link_validity("resume", "https://a/") == ""


@pytest.mark.parametrize("kind", sorted(emails.LINKS_WITHOUT_EXPIRY))
def test_links_that_do_not_expire_say_so_and_mails_without_a_link_say_nothing(
    form_page, kind
):
    _subject, text, html = emails.compose(form_page, kind, {"link": "https://a.b/c/"})
    assert "This link does not expire" in text and "does not expire" in html
    assert "stays valid" not in text
    _subject, text, _html = emails.compose(form_page, "declined", {"reason": "No."})
    assert "valid" not in text and "expire" not in text
    form_page.update_body = "Ask us for a new link."  # an editor's text without {link}
    _subject, text, _html = emails.compose(form_page, "update", {"link": "https://a/"})
    assert "valid" not in text


def test_the_confirmation_link_lasts_exactly_as_long_as_its_e_mail_says(
    form_page, run_on_commit, settings, monkeypatch
):
    settings.PLEDGE_FORMS_VERIFY_MAX_AGE_DAYS = 3
    pledge = services.submit(form_page, pledge_data(form_page.checklist)).pledge
    body = _mails_of("confirmation")[0].body_text
    days = int(re.search(r"stays valid for (\d+) days", body).group(1))
    assert days == 3
    token = re.search(r"/verify/([\w-]+)/", body).group(1)
    now = timezone.now().timestamp()
    # The token check measures the link's age with the clock of ``django.core.signing``.
    monkeypatch.setattr(signing.time, "time", lambda: now + days * 86400 + 60)
    with pytest.raises(links.InvalidLink):
        links.pledge_for_verify_token(token)
    monkeypatch.setattr(signing.time, "time", lambda: now + days * 86400 - 60)
    assert links.pledge_for_verify_token(token) == pledge


def test_the_reviewers_notice_of_an_update_says_it_is_an_update(
    form_page, run_on_commit
):
    pledge = submitted_pledge(form_page, "approved")
    mail.outbox.clear()
    services.submit_update(
        services.make_update_token(pledge), pledge_data(form_page.checklist)
    )
    notices = [m for m in mail.outbox if m.to == ["reviewers@example.org"]]
    assert len(notices) == 1
    update = notices[0]
    new = emails.compose(form_page, "reviewer", {"agency": "X", "link": "https://a/"})
    assert "update" in update.subject.lower() and "update" not in new[0].lower()
    assert update.subject != new[0]
    assert "an update of a pledge already confirmed" in update.body
    assert "an update" in update.alternatives[0][0]
    assert OutgoingMail.objects.filter(purpose="reviewer_update").count() == 1
    # A pledge that is confirmed for the first time gets the notice of a new pledge.
    mail.outbox.clear()
    submitted_pledge(form_page, "verified", legal_name="Hill County Sheriff")
    [first] = [m for m in mail.outbox if m.to == ["reviewers@example.org"]]
    assert first.subject == new[0] and "update" not in first.body


@pytest.mark.parametrize("kind", sorted(emails.default_templates()))
def test_text_typed_by_the_public_stays_defanged_in_the_layout(form_page, kind):
    link = "https://campaign.example.org/pledge/x/"
    subject, text, html = emails.compose(
        form_page, kind, {"agency": HOSTILE, "link": link, "reason": "r"}
    )
    for body in (text, html):
        assert "evil.example" not in body and "help@" not in body
    source = emails.default_templates()[kind].body
    if "{agency}" in source:
        assert "hxxps[:]//evil[.]example" in text
    shown = [link] if "{link}" in source else []
    assert re.findall(r"<a\b[^>]*>", html) == [f'<a href="{link}">' for link in shown]
    assert re.findall(r"\w+://\S+", text) == shown
    assert "evil" not in subject


def test_the_postal_address_is_escaped_and_no_link(form_page, settings):
    settings.PLEDGE_FORMS_MAIL_POSTAL_ADDRESS = "<b>Campaign</b> & Co\n2 Side Road"
    _subject, text, html = emails.compose(form_page, "declined", {"reason": "r"})
    assert "&lt;b&gt;Campaign&lt;/b&gt; &amp; Co<br>2 Side Road" in html
    assert "<b>Campaign</b> & Co\n2 Side Road" in text
    assert "<a " not in html
    settings.PLEDGE_FORMS_MAIL_POSTAL_ADDRESS = ""
    _subject, text, html = emails.compose(form_page, "declined", {"reason": "r"})
    assert "Side Road" not in text and LAYOUT in html


def test_an_editors_text_keeps_the_layout_and_the_validity_sentence(
    form_page, settings
):
    settings.PLEDGE_FORMS_UPDATE_MAX_AGE_DAYS = 30
    form_page.update_body = "Here: {link}"
    _subject, text, html = emails.compose(form_page, "update", {"link": "https://a/"})
    assert text.startswith("Here: https://a/")
    assert "30 days" in text and "30 days" in html and LAYOUT in html
