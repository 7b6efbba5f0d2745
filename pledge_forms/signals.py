"""Signal handlers of the core: keep the review state right when a pledge is published
through Wagtail itself (the Publish button or the last step of the review workflow)."""

from django.utils import timezone
from wagtail.signals import published

from pledge_forms.choices import ReviewStatus
from pledge_forms.models.pledges import Pledge


def mark_approved_on_publish(sender, instance, **kwargs):
    if not instance.is_verified or instance.review_status == ReviewStatus.APPROVED:
        return
    Pledge.objects.filter(pk=instance.pk).update(
        review_status=ReviewStatus.APPROVED,
        approved_at=instance.approved_at or timezone.now(),
        decline_reason="",
    )


def connect() -> None:
    published.connect(
        mark_approved_on_publish, sender=Pledge, dispatch_uid="pledge_forms_approved"
    )
