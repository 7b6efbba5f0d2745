from pledge_forms.models.abuse import RateCounter
from pledge_forms.models.checklists import Checklist, ChecklistItem, ChecklistSection
from pledge_forms.models.drafts import PledgeDraft
from pledge_forms.models.exports import ExportJob
from pledge_forms.models.lapse import PledgeLapse, PledgeReminder
from pledge_forms.models.logos import PendingLogo
from pledge_forms.models.pages import PledgeFormField, PledgeFormPage
from pledge_forms.models.pledges import REVIEW_STATE_FIELDS, Pledge
from pledge_forms.models.practices import PledgePractice
from pledge_forms.models.privacy import ErasureReason, PledgeErasure, ScheduledTask
from pledge_forms.models.progress import PracticeChange
from pledge_forms.models.published import PublishedPledges
from pledge_forms.models.review import DeclineReason
from pledge_forms.models.submissions import (
    ConsentText,
    ImmutableRecordError,
    OutgoingMail,
    PledgeSubmission,
)

__all__ = [
    "REVIEW_STATE_FIELDS",
    "Checklist",
    "ChecklistItem",
    "ChecklistSection",
    "ConsentText",
    "DeclineReason",
    "ErasureReason",
    "ExportJob",
    "ImmutableRecordError",
    "OutgoingMail",
    "PendingLogo",
    "PracticeChange",
    "Pledge",
    "PledgeDraft",
    "PledgeErasure",
    "PledgeFormField",
    "PledgeFormPage",
    "PledgeLapse",
    "PledgePractice",
    "PledgeReminder",
    "PledgeSubmission",
    "PublishedPledges",
    "RateCounter",
    "ScheduledTask",
]
