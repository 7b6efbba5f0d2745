"""The 36 months: reminders before a member's deadline, and the lapsed stage after it.

**The one rule.** A pledge is *lapsed* when it is still in the "pledged" stage and its
deadline has passed (``lapsed_q`` for queries, ``is_lapsed`` for one pledge; they live
beside the model, in ``pledge_forms.models.pledges``, and are re-exported here).
Nothing stores it: the stage column keeps "pledged", so revisions, publishing and
"Mark as completed" never fight a stored value, and completing a lapsed member is the
ordinary completion. The retention rules (``services.privacy``), the admin's "overdue"
filter and the showcase all read this rule.

**Policy.** ``PLEDGE_FORMS_LAPSED_POLICY`` says what the showcase does with a lapsed
member: ``"listed"`` (the default) lists it with the stage "lapsed"; ``"hidden"`` takes it
out of the showcase and the open data (statistics still count it, as lapsed).

**Reminders.** ``PLEDGE_FORMS_REMINDER_MONTHS`` (default 12, 24 and 33) are months after
the pledge date; at each, an approved member not completed gets one e-mail with its
update link and the practices not yet in place. A :class:`PledgeReminder` row per pledge
and offset, created in the same transaction as the e-mail, makes each go out once, even
when two workers run the pass together. A pass that finds several offsets due at once
(housekeeping did not run for a while) sends only the latest and records the earlier ones
as handled: a member is not sent three reminders in one day.

**Notice.** The day a member lapses nothing is saved, so cached pages would not know;
the housekeeping pass records a :class:`PledgeLapse` and sends :data:`pledges_lapsed`
(the showcase turns it into its ``showcase_changed``), once per lapse.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, F, Value, When
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pledge_forms import conf, emails
from pledge_forms.choices import Stage
from pledge_forms.localization import localized, record_language
from pledge_forms.models.checklists import ChecklistItem
from pledge_forms.models.lapse import PledgeLapse, PledgeReminder
from pledge_forms.models.pledges import Pledge, is_lapsed, lapsed_q, member_q
from pledge_forms.services.eligibility import checklist_of, practices_not_in_place
from pledge_forms.services.identity import add_months
from pledge_forms.services.links import update_link

logger = logging.getLogger(__name__)

# The public stage of a lapsed member (never stored in ``Pledge.stage``).
LAPSED = "lapsed"
LAPSED_LABEL = _("Lapsed")
LISTED = "listed"
HIDDEN = "hidden"
POLICIES = (LISTED, HIDDEN)

# Sent by housekeeping with ``pledges`` (a list) when members lapsed since the last pass.
pledges_lapsed = Signal()


def public_stage(pledge: Pledge) -> str:
    """The stage the public sees: "lapsed", or the stored one."""
    return LAPSED if is_lapsed(pledge) else pledge.stage


def public_stage_choices() -> list[tuple[str, str]]:
    """Every stage the public may see, in order."""
    return [*Stage.choices, (LAPSED, LAPSED_LABEL)]


def stage_expression() -> Case:
    """The public stage as a query expression, for counts grouped in SQL."""
    return Case(
        When(lapsed_q(), then=Value(LAPSED)),
        default=F("stage"),
        output_field=CharField(),
    )


def policy() -> str:
    value = conf.get("LAPSED_POLICY")
    if value not in POLICIES:
        raise ImproperlyConfigured(
            f"PLEDGE_FORMS_LAPSED_POLICY must be one of {', '.join(POLICIES)}, "
            f"not {value!r}."
        )
    return value


def hides_lapsed() -> bool:
    return policy() == HIDDEN


def reminder_months() -> list[int]:
    months = sorted({int(m) for m in conf.get("REMINDER_MONTHS")})
    if any(m <= 0 for m in months):
        raise ImproperlyConfigured(
            "PLEDGE_FORMS_REMINDER_MONTHS must be months after the pledge date (> 0)."
        )
    return months


def cache_state() -> tuple[str, str]:
    """What the public figures depend on besides the data: the lapse policy and the day
    (a member lapses at midnight without any row changing)."""
    return (policy(), timezone.localdate().isoformat())


# --- Reminders ---------------------------------------------------------------------------


def remaining_practices(pledge: Pledge) -> str:
    """The practices not yet in place, one line each, named as the form names them
    ("7. Title", ``ChecklistItem.__str__``), in the pledge's language."""
    codes = practices_not_in_place(pledge)
    items = {
        item.code: item
        for item in localized(
            ChecklistItem.objects.filter(
                code__in=codes, section__checklist=checklist_of(pledge)
            ),
            record_language(pledge),
        )
    }
    return "\n".join(
        f"- {items[code]}" if code in items else f"- {code}" for code in codes
    )


def reminder_candidates():
    return Pledge.objects.filter(
        member_q(),
        stage=Stage.PLEDGED,
        erasure__isnull=True,
    ).exclude(chief_email="")


def due_offset(
    pledge: Pledge, months: list[int], sent: set[int], today: datetime.date
) -> tuple[int | None, list[int]]:
    """The offset to send now (or None) and the earlier unsent ones it supersedes."""
    pledged_on = timezone.localdate(pledge.pledged_at)
    due = [
        m
        for m in months
        if m not in sent
        and add_months(pledged_on, m) <= today
        and (pledge.deadline is None or add_months(pledged_on, m) < pledge.deadline)
    ]
    if not due:
        return None, []
    return due[-1], due[:-1]


def send_reminders(now: datetime.datetime | None = None) -> int:
    """Send every reminder that is due; how many were sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    months = reminder_months()
    if not months:
        return 0
    earliest = now - datetime.timedelta(days=28 * months[0])
    candidates = reminder_candidates().filter(pledged_at__lte=earliest)
    sent_by_pledge: dict[int, set[int]] = {}
    for pledge_id, m in PledgeReminder.objects.filter(
        pledge__in=candidates
    ).values_list("pledge_id", "months"):
        sent_by_pledge.setdefault(pledge_id, set()).add(m)
    count = 0
    for pledge in candidates.select_related("form_page").iterator(chunk_size=500):
        offset, skipped = due_offset(
            pledge, months, sent_by_pledge.get(pledge.pk, set()), today
        )
        if offset is not None and _send_reminder(pledge, offset, skipped, now):
            count += 1
    return count


def _send_reminder(
    pledge: Pledge, offset: int, skipped: list[int], now: datetime.datetime
) -> bool:
    try:
        with transaction.atomic():
            PledgeReminder.objects.create(pledge=pledge, months=offset, sent_at=now)
            for m in skipped:
                PledgeReminder.objects.get_or_create(
                    pledge=pledge, months=m, defaults={"sent_at": now}
                )
            emails.send_kind(
                "reminder",
                pledge,
                [pledge.chief_email],
                link=update_link(pledge),
                remaining=remaining_practices(pledge),
            )
    except IntegrityError:
        # Another pass sent it first.
        return False
    logger.info("Reminder at %s months sent for pledge %s", offset, pledge.pk)
    return True


# --- Lapses ------------------------------------------------------------------------------


def notice_lapses(today: datetime.date | None = None) -> int:
    """Record the members that lapsed since the last pass and tell the showcase (once);
    forget those no longer lapsed. How many lapsed now."""
    rule = lapsed_q(today)
    PledgeLapse.objects.exclude(pledge__in=Pledge.objects.filter(rule)).delete()
    new = list(
        Pledge.objects.filter(rule, member_q(), live=True)
        .exclude(lapse__isnull=False)
        .only("pk", "slug")
    )
    if not new:
        return 0
    PledgeLapse.objects.bulk_create(
        [PledgeLapse(pledge=pledge) for pledge in new], ignore_conflicts=True
    )
    transaction.on_commit(
        lambda: pledges_lapsed.send(sender=Pledge, pledges=new), robust=True
    )
    return len(new)
