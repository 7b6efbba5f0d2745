"""The pledge form page: fixed pledge sections plus the questions editors add themselves."""

from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    validate_email,
)
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import TranslatableMixin

from pledge_forms import localization, views, wizard
from pledge_forms.choices import EligibilityRule, FormStep
from pledge_forms.forms import PledgeForm
from pledge_forms.localization import localized
from pledge_forms.models.checklists import ChecklistItem
from pledge_forms.translatable import ShowsTranslation, synchronized

EMAIL_HELP = _(
    "Leave empty to use the standard text. Placeholders: {agency} (agency name), "
    "{link} (the link for this e-mail), {reason} (decline reason), {site} (site name). "
    "Text only, no template language."
)
CHANGES_EMAIL_HELP = _(
    "Leave empty to use the standard text. Placeholders: {agency} (agency name), "
    "{comments} (the reviewer's comments), {link} (the private link to revise the "
    "pledge), {site} (site name). Text only, no template language."
)


class PledgeFormField(ShowsTranslation, TranslatableMixin, AbstractFormField):
    """An extra question editors add below the fixed pledge sections.

    Translatable with its page: a translation changes the label, help text, choices and
    default value. The key answers are stored under (``clean_name``), the type, the step and
    whether it is required stay the source's, so a pledge is the same record in every
    language (``pledge_forms.localization.form_questions``).
    """

    page = ParentalKey(
        "PledgeFormPage", on_delete=models.CASCADE, related_name="form_fields"
    )
    step = models.CharField(
        _("step"),
        max_length=20,
        choices=FormStep.choices,
        default=FormStep.COMMITMENT,
        help_text=_("The step of the form that asks this question."),
    )

    panels = [*AbstractFormField.panels, FieldPanel("step")]
    override_translatable_fields = synchronized(
        "clean_name", "field_type", "required", "step"
    )

    class Meta(TranslatableMixin.Meta, AbstractFormField.Meta):
        verbose_name = _("extra question")
        verbose_name_plural = _("extra questions")


class PledgeFormPage(RoutablePageMixin, AbstractForm):
    """The public pledge form at /pledge/.

    Editors write the introduction and thank-you text, add extra questions, choose the
    checklist, set the recognition rule, the period, the opening dates, the reviewers'
    addresses and the wording of every e-mail. The fixed pledge sections are always shown.
    """

    intro = RichTextField(_("introduction"), blank=True)
    thank_you_text = RichTextField(
        _("thank-you text"),
        blank=True,
        help_text=_("Shown after a pledge is received, before it is confirmed."),
    )
    checklist = models.ForeignKey(
        "pledge_forms.Checklist",
        verbose_name=_("checklist"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    period_months = models.PositiveSmallIntegerField(
        _("period (months)"),
        default=36,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Time an agency has to put every practice in place."),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    notify_emails = models.TextField(
        _("reviewers' e-mail addresses"),
        blank=True,
        help_text=_("One or more addresses, separated by commas or new lines."),
    )
    rule_require_commitment = models.BooleanField(
        _("require the commitment to all focus areas"), default=True
    )
    rule_statuses = models.CharField(
        _("practices that count"),
        max_length=30,
        choices=EligibilityRule.choices,
        default=EligibilityRule.IN_PLACE_OR_PROGRESS,
    )
    rule_min_per_area = models.PositiveSmallIntegerField(
        _("minimum practices per focus area"),
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(25)],
    )

    confirmation_subject = models.CharField(
        _("confirmation e-mail subject"),
        max_length=200,
        blank=True,
        help_text=EMAIL_HELP,
    )
    confirmation_body = models.TextField(
        _("confirmation e-mail text"), blank=True, help_text=EMAIL_HELP
    )
    reviewer_subject = models.CharField(
        _("reviewer notification subject"),
        max_length=200,
        blank=True,
        help_text=EMAIL_HELP,
    )
    reviewer_body = models.TextField(
        _("reviewer notification text"), blank=True, help_text=EMAIL_HELP
    )
    approved_subject = models.CharField(
        _("approval e-mail subject"), max_length=200, blank=True, help_text=EMAIL_HELP
    )
    approved_body = models.TextField(
        _("approval e-mail text"), blank=True, help_text=EMAIL_HELP
    )
    declined_subject = models.CharField(
        _("decline e-mail subject"), max_length=200, blank=True, help_text=EMAIL_HELP
    )
    declined_body = models.TextField(
        _("decline e-mail text"), blank=True, help_text=EMAIL_HELP
    )
    update_subject = models.CharField(
        _("update-link e-mail subject"),
        max_length=200,
        blank=True,
        help_text=EMAIL_HELP,
    )
    update_body = models.TextField(
        _("update-link e-mail text"), blank=True, help_text=EMAIL_HELP
    )
    changes_requested_subject = models.CharField(
        _("changes-requested e-mail subject"),
        max_length=200,
        blank=True,
        help_text=CHANGES_EMAIL_HELP,
    )
    changes_requested_body = models.TextField(
        _("changes-requested e-mail text"), blank=True, help_text=CHANGES_EMAIL_HELP
    )
    draft_saved_subject = models.CharField(
        _("saved-draft e-mail subject"),
        max_length=200,
        blank=True,
        help_text=EMAIL_HELP,
    )
    draft_saved_body = models.TextField(
        _("saved-draft e-mail text"), blank=True, help_text=EMAIL_HELP
    )

    content_panels = [
        *AbstractForm.content_panels,
        FieldPanel("intro"),
        FieldPanel("checklist"),
        InlinePanel("form_fields", label=_("Extra questions")),
        FieldPanel("thank_you_text"),
    ]
    rules_panels = [
        MultiFieldPanel(
            [
                FieldPanel("period_months"),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
            ],
            heading=_("Period"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("rule_require_commitment"),
                FieldPanel("rule_statuses"),
                FieldPanel("rule_min_per_area"),
            ],
            heading=_("Recognition rule"),
        ),
    ]
    email_panels = [
        FieldPanel("notify_emails"),
        MultiFieldPanel(
            [FieldPanel("confirmation_subject"), FieldPanel("confirmation_body")],
            heading=_("Confirmation (sent to the agency after submitting)"),
        ),
        MultiFieldPanel(
            [FieldPanel("reviewer_subject"), FieldPanel("reviewer_body")],
            heading=_("Reviewer notification (after confirmation)"),
        ),
        MultiFieldPanel(
            [FieldPanel("approved_subject"), FieldPanel("approved_body")],
            heading=_("Approval"),
        ),
        MultiFieldPanel(
            [FieldPanel("declined_subject"), FieldPanel("declined_body")],
            heading=_("Decline"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("changes_requested_subject"),
                FieldPanel("changes_requested_body"),
            ],
            heading=_("Changes requested (with the reviewer's comments)"),
        ),
        MultiFieldPanel(
            [FieldPanel("update_subject"), FieldPanel("update_body")],
            heading=_("Update link"),
        ),
        MultiFieldPanel(
            [FieldPanel("draft_saved_subject"), FieldPanel("draft_saved_body")],
            heading=_("Saved to continue later (the link to go on with a draft)"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(rules_panels, heading=_("Rules")),
            ObjectList(email_panels, heading=_("E-mails")),
            ObjectList(AbstractForm.promote_panels, heading=_("Promote")),
            ObjectList(AbstractForm.settings_panels, heading=_("Settings")),
        ]
    )

    # Every language's form page uses the same checklist, the default language's: pledges
    # refer to its practices whatever language they were made in.
    override_translatable_fields = synchronized(
        "checklist",
        "period_months",
        "opens_at",
        "closes_at",
        "notify_emails",
        "rule_require_commitment",
        "rule_statuses",
        "rule_min_per_area",
    )

    # The plugin does not know the site's page types: any parent may hold the form.
    subpage_types = []
    template = "pledge_forms/pledge_form_page.html"
    landing_page_template = "pledge_forms/pledge_form_page_landing.html"

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    def notify_addresses(self) -> list[str]:
        raw = self.notify_emails.replace("\n", ",").replace(";", ",")
        return [item.strip() for item in raw.split(",") if item.strip()]

    def checklist_items(self):
        if self.checklist_id is None:
            return ChecklistItem.objects.none()
        return (
            ChecklistItem.objects.filter(section__checklist_id=self.checklist_id)
            .select_related("section")
            .order_by("section__sort_order", "number")
        )

    @cached_property
    def form_parts(self) -> tuple[list, list]:
        """The checklist's items and the editors' questions in the active language, read
        once per page object (a request's): a step's view builds its form more than once."""
        return localized(self.checklist_items()), localization.form_questions(self)

    @cached_property
    def source_page(self) -> "PledgeFormPage":
        """The default language's form page, which pledges, drafts and submissions made
        on this page (in any language) are recorded under."""
        return localization.source_page(self)

    def get_form(self, *args, page=None, user=None, **kwargs):
        items, questions = self.form_parts
        return PledgeForm(*args, page=self, items=items, questions=questions, **kwargs)

    @path("")
    def pledge_form(self, request):
        # The form's first step; a POST of the whole pledge on one page (a form
        # opened before the form had steps) is still taken.
        if request.method == "POST":
            return views.pledge_form(request, self)
        return wizard.step(request, self)

    @path("step/<slug:slug>/")
    def step(self, request, slug):
        return wizard.step(request, self, slug)

    @path("check/")
    def check_answers(self, request):
        return wizard.check(request, self)

    @path("save/")
    def save_draft(self, request):
        return wizard.save(request, self)

    @path("discard/")
    def discard_draft(self, request):
        return wizard.discard(request, self)

    @path("resume/<str:token>/")
    def resume(self, request, token):
        return wizard.resume(request, self, token)

    @path("resume/")
    def resume_pending(self, request):
        return wizard.resume_pending(request, self)

    @path("received/")
    def received(self, request):
        return views.received(request, self)

    @path("verify/<str:token>/")
    def verify(self, request, token):
        return views.verify(request, self, token)

    @path("verify/")
    def verify_pending(self, request):
        return views.verify_pending(request, self)

    # The update of a pledge, in the same steps (before ``update/<token>/``, which
    # would take "check" and "received" for tokens).
    @path("update/check/")
    def update_check(self, request):
        return wizard.update_check(request, self)

    @path("update/received/")
    def update_received(self, request):
        return wizard.update_received(request, self)

    @path("update/step/<slug:slug>/")
    def update_step(self, request, slug):
        return wizard.update_step(request, self, slug)

    @path("update/<str:token>/")
    def update(self, request, token):
        return views.update(request, self, token)

    @path("update/")
    def update_pending(self, request):
        # The update's draft, in steps; a POST of the whole update on one page (a form
        # opened before the update had steps) is still taken.
        if request.method == "GET" and hasattr(request, "session"):
            return wizard.update_start(request, self)
        return views.update_pending(request, self)

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError(
                {"closes_at": _("The closing date must come after the opening date.")}
            )
        for address in self.notify_addresses():
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(
                    {
                        "notify_emails": _("“%(value)s” is not an e-mail address.")
                        % {"value": address}
                    }
                ) from None

    class Meta:
        verbose_name = _("pledge form page")
        verbose_name_plural = _("pledge form pages")
