"""The demo's privacy notice and accessibility statement: editable standard pages, written
for this site as it works (what the pledge form collects, who sees it, how long it is kept).

The retention periods are the configured ones at the time the demo is loaded
(``pledge_forms.conf``); editors keep the page true when an operator changes them.
"""

from django.utils.html import escape

from pledge_forms import conf
from pledge_forms.services import privacy

PRIVACY_SLUG = "privacy"
ACCESSIBILITY_SLUG = "accessibility"


def _section(heading: str, *paragraphs: str, items: list[str] | None = None) -> str:
    html = f"<h2>{escape(heading)}</h2>"
    html += "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    if items:
        html += "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"
    return html


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def privacy_notice(contact_email: str) -> tuple[str, str, str]:
    """(title, introduction, body HTML) of the privacy notice."""
    declined = _days(conf.get("RETENTION_DECLINED_DAYS"))
    unverified = _days(privacy.unverified_days())
    lapsed = _days(conf.get("RETENTION_LAPSED_DAYS"))
    body = "".join(
        [
            _section(
                "Who runs this site",
                "The Trust Building Campaign runs this website and decides what is done "
                "with the information sent through it. For any question about your data, "
                f"or to have it erased, write to {contact_email}.",
            ),
            _section(
                "What the pledge form collects",
                "When an agency pledges, we store what the form asks for:",
                items=[
                    "facts about the agency: its legal name, type, country, state or "
                    "province, city, number of sworn officers, website and, if you send "
                    "one, its logo;",
                    "the chief executive's name, title, e-mail address and phone number;",
                    "a second contact's name, e-mail address and phone number, if given;",
                    "the name and title of the person who signs the pledge;",
                    "where the agency stands on each of the 25 practices, with any notes;",
                    "the public statement, if you write one, and the answers to any "
                    "further questions on the form;",
                    "the wording of the consent questions you answered, so we can show "
                    "what you agreed to;",
                    "a one-way fingerprint (salted hash) of the network address the form "
                    "was sent from, used only to slow down automated abuse. We do not "
                    "keep the address itself.",
                ],
            ),
            _section(
                "Why we use it",
                "To confirm that the pledge really comes from the agency (we e-mail a "
                "confirmation link to the chief executive's address), to review it, to "
                "contact the agency about its pledge and its progress, and, only where "
                "the agency agrees, to list it publicly as a member.",
            ),
            _section(
                "Who sees it",
                "The campaign's reviewers, who sign in to the site's administration, see "
                "everything the form collects. Other staff who edit the site see the "
                "agency's public facts but not the contact details. Nothing is sold or "
                "passed to anyone else. E-mails are sent through our mail provider.",
            ),
            _section(
                "What is public, and only with consent",
                "An agency is listed in the member showcase only if it ticks the box "
                "asking for a public listing, and only after a reviewer approves it. "
                "The form then asks what the public may see: the city, the website, the "
                "logo, the public statement, the chief executive's name and title, and "
                "progress on each practice. Each is shown only when its box is ticked. "
                "Contact e-mail addresses and phone numbers are never shown. Anonymous "
                "figures (how many agencies, where, how far along) include every "
                "approved pledge.",
            ),
            _section(
                "How long we keep it",
                "Personal data (names, titles, e-mail addresses, phone numbers, the "
                "public statement, practice notes, the logo, the address fingerprint and "
                "the e-mails we sent) is erased automatically:",
                items=[
                    f"for a pledge whose e-mail address was never confirmed: {unverified} "
                    "after it was sent;",
                    f"for a declined pledge: {declined} after the decision;",
                    "for a pledge whose deadline passed before all practices were in "
                    f"place: {lapsed} after the deadline.",
                ],
            ),
            _section(
                "What we keep without names",
                "The agency's type, country, state or province and size, the dates and "
                "the status of each practice are kept without anyone's name, so the "
                "campaign's figures stay right. A member in the showcase keeps its "
                "public listing (its name, city and website as it agreed).",
            ),
            _section(
                "Your rights and erasure",
                f"You may ask to see, correct or erase your data: write to "
                f"{contact_email}. We check that the request comes from the agency, then "
                "a reviewer erases its personal data at once, wherever the site stored "
                "it; the site's audit log records when and by whom. You may also "
                "complain to your data protection authority.",
            ),
            _section(
                "Cookies",
                "Reading this site sets no cookies and uses no analytics or tracking. "
                "Pages with a form (the pledge form) set one cookie, csrftoken, which "
                "only protects the form against forged submissions and holds nothing "
                "about you. Staff who sign in to the administration get a session "
                "cookie as well.",
            ),
        ]
    )
    return (
        "Privacy notice",
        "What this site collects when an agency pledges, why, who sees it, how long it "
        "is kept and how to have it erased.",
        body,
    )


def accessibility_statement(contact_email: str) -> tuple[str, str, str]:
    """(title, introduction, body HTML) of the accessibility statement."""
    body = "".join(
        [
            _section(
                "Our aim",
                "This site aims to meet the Web Content Accessibility Guidelines (WCAG) "
                "2.2 at level AA, so that everyone can read about the campaign and "
                "pledge an agency, whether they use a keyboard, a screen reader, "
                "magnification or voice control.",
            ),
            _section(
                "How we test it",
                "Every type of public page, the pledge form included, is checked with "
                "the axe accessibility engine in a real browser by the site's automated "
                "tests, which fail on any problem axe reports. Pages "
                "work without JavaScript, forms label every field, group related "
                "questions and list errors at the top with links to each field.",
            ),
            _section(
                "Known limits",
                "Automated checks find only part of the problems; we have not yet had "
                "the site tested by people who use assistive technology. Documents "
                "published by others (PDF model policies and toolkits) may not be "
                "accessible, and videos from other sites may lack captions; where that "
                "is so, ask us for another format.",
            ),
            _section(
                "Tell us about a problem",
                f"If something on this site is hard to use, write to {contact_email}. "
                "Say which page and what went wrong, and we will offer the content in "
                "another way while we fix it.",
            ),
        ]
    )
    return (
        "Accessibility statement",
        "How accessible this site is, how we test it, what we know does not work yet "
        "and how to tell us about a problem.",
        body,
    )
