"""Choice lists of the pledge (SPEC §5). Statuses are ``TextChoices`` so code and data agree."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyType(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal police")
    SHERIFF = "sheriff", _("Sheriff's office")
    STATE = "state", _("State police / highway patrol")
    COUNTY = "county", _("County police")
    CAMPUS = "campus", _("Campus police")
    TRIBAL = "tribal", _("Tribal police")
    TRANSIT = "transit", _("Transit / port / airport police")
    FEDERAL = "federal", _("Federal agency")
    NATIONAL = "national", _("National police service outside the US")
    ASSOCIATION = "association", _("Association or other organisation")
    OTHER = "other", _("Other")


class SizeBand(models.TextChoices):
    """Number of sworn officers."""

    B1_10 = "1-10", _("1–10")
    B11_25 = "11-25", _("11–25")
    B26_50 = "26-50", _("26–50")
    B51_100 = "51-100", _("51–100")
    B101_250 = "101-250", _("101–250")
    B251_500 = "251-500", _("251–500")
    B501_1000 = "501-1000", _("501–1,000")
    B1001 = "1001+", _("1,001 or more")


class PracticeStatus(models.TextChoices):
    IN_PLACE = "in_place", _("In place")
    IN_PROGRESS = "in_progress", _("In progress")
    PLANNED = "planned", _("Planned within 12 months")
    NOT_PLANNED = "not_planned", _("Not yet planned")


class Stage(models.TextChoices):
    PLEDGED = "pledged", _("Pledged")
    COMPLETED = "completed", _("Completed")


class ReviewStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Waiting for e-mail confirmation")
    AWAITING_REVIEW = "awaiting_review", _("Verified, awaiting review")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    # A reviewer asked the agency to revise the pledge (or its pending update); it waits
    # for the agency, not for the reviewers. A live member stays live meanwhile.
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")


class SubmissionKind(models.TextChoices):
    PLEDGE = "pledge", _("New pledge")
    DUPLICATE = "duplicate", _("Repeat of an existing pledge")
    UPDATE = "update", _("Progress update")


class EligibilityRule(models.TextChoices):
    IN_PLACE_OR_PROGRESS = (
        "in_place_or_progress",
        _(
            "At least the minimum number of practices per focus area in place or in progress"
        ),
    )
    IN_PLACE = (
        "in_place",
        _("At least the minimum number of practices per focus area in place"),
    )


class MailStatus(models.TextChoices):
    """Where a stored e-mail stands (``pledge_forms.tasks`` moves it along)."""

    PENDING = "pending", _("Pending")  # waiting for its (next) attempt
    SENDING = "sending", _("Sending")  # claimed by a worker, talking to the mail server
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")  # refused for good, or out of attempts


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class FormStep(models.TextChoices):
    """The fixed steps of the pledge form (one more per focus area comes between
    contacts and commitment, then "check your answers")."""

    AGENCY = "agency", _("Your agency")
    LOCATION = "location", _("Location and website")
    CONTACTS = "contacts", _("Chief executive and contacts")
    COMMITMENT = "commitment", _("Commitment and consent")
