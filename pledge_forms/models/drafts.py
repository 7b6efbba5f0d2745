"""A pledge being filled in, step by step: the answers so far, kept on the server.

A draft is never a pledge. It holds the answers exactly as they were posted (the step
forms are bound to them again), and the names of files already uploaded (in private
storage). Nothing in it counts anywhere until its last step is sent: only then is it
checked again in full and *sent*: a worker then stores it as a pledge, duplicates included
(or as a revision of one, for a draft opened from an update link), and deletes it. The
visitor's session holds the draft's ``key``; a resume link
(``services.links.resume_link``) opens it in any browser.
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_draft_key() -> str:
    return secrets.token_urlsafe(32)


class PledgeDraft(models.Model):
    form_page = models.ForeignKey(
        "pledge_forms.PledgeFormPage",
        verbose_name=_("form page"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Set for a draft opened from an update link: sending it revises this pledge.
    pledge = models.ForeignKey(
        "pledge_forms.Pledge",
        verbose_name=_("pledge"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="drafts",
    )
    key = models.CharField(max_length=64, unique=True, default=new_draft_key)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # Field name -> {"name": storage name, "original": file name as uploaded}.
    files = models.JSONField(_("files"), default=dict, blank=True)
    step = models.CharField(_("current step"), max_length=80, blank=True)
    # Steps whose answers passed their checks at least once (the indicator marks them).
    done_steps = models.JSONField(default=list, blank=True)
    resume_email = models.EmailField(_("resume link sent to"), blank=True)
    # The language of the last step answered: the resume link opens the form in it.
    language = models.CharField(_("language"), max_length=15, blank=True)
    # Raised to revoke every resume link sent so far.
    link_version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(_("saved for later"), null=True, blank=True)
    link_mails_today = models.PositiveSmallIntegerField(default=0)
    link_mail_day = models.DateField(null=True, blank=True)
    # Set when its last step sends it: the answers as checked then, their labels, their
    # language and the client's hash, kept until a worker has stored the pledge
    # (``pledge_forms.sending``). A sent draft is never shown or changed again.
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, db_index=True)
    sent = models.JSONField(_("as sent"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("pledge draft")
        verbose_name_plural = _("pledge drafts")

    def __str__(self):
        return str(self.answers.get("legal_name") or _("Unnamed draft"))
