"""Immutable records of what arrived through the pledge form, and of e-mails sent about it."""

import hashlib

from django.db import models
from django.template.defaultfilters import linebreaksbr
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.models import AbstractFormSubmission

from pledge_forms import evidence
from pledge_forms.choices import MailStatus, PracticeStatus, SubmissionKind


class ImmutableRecordError(Exception):
    """Raised when code tries to change a stored submission."""


class ConsentText(models.Model):
    """One wording of the pledge form's consent questions, kept once however many agencies
    answered it: submissions point at the wording they were shown, so a later edit of the
    form or of the privacy notice never changes what an agency agreed to."""

    digest = models.CharField(_("SHA-256 of the text"), max_length=64, unique=True)
    text = models.TextField(_("consent wording"))
    created_at = models.DateTimeField(_("first used"), auto_now_add=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("consent wording")
        verbose_name_plural = _("consent wordings")

    def __str__(self):
        return f"{self.digest[:12]} ({self.created_at:%Y-%m-%d})"

    @staticmethod
    def digest_of(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    @classmethod
    def for_text(cls, text: str) -> "ConsentText":
        """The stored wording ``text``, created the first time it is seen (safe when two
        submissions bring a new wording at the same moment: the unique digest decides)."""
        record, _created = cls.objects.get_or_create(
            digest=cls.digest_of(text), defaults={"text": text}
        )
        return record


# A submission whose address was confirmed: a first pledge (its address is the one the
# confirmation link went to) or an update (sent from a link mailed to the confirmed
# address), of a pledge that is confirmed. A repeat never is: the person at the form
# typed an address nobody confirmed, and the e-mail went to the one on record.
CONFIRMED_KINDS = (SubmissionKind.PLEDGE, SubmissionKind.UPDATE)
CONFIRMED = models.Q(kind__in=CONFIRMED_KINDS, pledge__verified_at__isnull=False)


class PledgeSubmission(AbstractFormSubmission):
    """Exactly what one request to the pledge form (or an update link) contained.

    ``form_data`` holds every answer keyed by field name, ``labels`` the question labels
    as they were worded at the time. The client address is kept only as a salted hash.
    Reviewers read these in the submissions inbox; nobody edits them.
    """

    labels = models.JSONField(_("labels"), default=dict, blank=True)
    # The language of the form the answers were given in (the labels are in it).
    language = models.CharField(_("language"), max_length=15, blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=SubmissionKind.choices,
        default=SubmissionKind.PLEDGE,
    )
    pledge = models.ForeignKey(
        "pledge_forms.Pledge",
        verbose_name=_("pledge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
    )
    client_hash = models.CharField(_("client address hash"), max_length=64, blank=True)
    consent = models.ForeignKey(
        ConsentText,
        verbose_name=_("consent wording"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        help_text=_("The consent questions and privacy notice as the agency saw them."),
    )

    # Records, not content: nothing to find through Wagtail's usage (reference) index.
    wagtail_reference_index_ignore = True

    def save(self, *args, **kwargs):
        if self.pk and not kwargs.pop("allow_update", False):
            raise ImmutableRecordError(
                "A pledge submission is never changed once stored."
            )
        kwargs.pop("allow_update", None)
        super().save(*args, **kwargs)

    @property
    def agency_name(self) -> str:
        return str(self.form_data.get("legal_name", ""))

    def answers_text(self) -> str:
        """Every answer as "label: value" lines, for exports (an evidence file by its
        name, never its content)."""
        lines = []
        statuses = dict(PracticeStatus.choices)
        for name, value in self.form_data.items():
            label = self.labels.get(name, name)
            if isinstance(value, list):
                value = ", ".join(str(item) for item in value)
            elif name.startswith("practice_") and value in statuses:
                value = statuses[value]  # "In progress", not "in_progress"
            elif name.startswith("evidence_file_"):
                # The file's name only: its content is never exported.
                value = evidence.display_name(str(value or ""))
            lines.append(f"{label}: {value}")
        return "\n".join(lines)

    answers_text.short_description = _("answers")

    @property
    def is_verified(self) -> bool:
        """Whether the address typed in this submission was confirmed (``CONFIRMED``)."""
        return bool(
            self.kind in CONFIRMED_KINDS and self.pledge_id and self.pledge.verified_at
        )

    @property
    def consent_text(self) -> str:
        return self.consent.text if self.consent_id else ""

    def get_consent_text_display(self):
        """The consent wording for reviewers (the inbox's inspect view), line by line."""
        if not self.consent_id:
            return _("Not recorded (sent before consent wordings were kept).")
        return linebreaksbr(
            f"{self.consent.text}\n\n(version {self.consent.digest[:12]})",
            autoescape=True,
        )

    class Meta:
        ordering = ["-submit_time", "-pk"]
        verbose_name = _("pledge submission")
        verbose_name_plural = _("pledge submissions")

    def __str__(self):
        return f"{self.agency_name} ({self.submit_time:%Y-%m-%d %H:%M})"


class OutgoingMail(models.Model):
    """An e-mail the plugin sends, kept so failures are visible to staff and retried.

    A background task delivers it (``pledge_forms.tasks``): ``claimed_at`` is when a worker
    took it, ``attempts`` counts the tries (and tells a worker whether its claim is still
    the current one), ``next_attempt_at`` is when a temporary failure is tried again.
    """

    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    purpose = models.CharField(_("purpose"), max_length=40, blank=True)
    pledge = models.ForeignKey(
        "pledge_forms.Pledge",
        verbose_name=_("pledge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mails",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MailStatus.choices,
        default=MailStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self):
        return f"{self.subject} ({self.get_status_display()})"
