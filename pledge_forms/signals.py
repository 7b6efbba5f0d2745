"""Signals of the plugin.

- Keep the review state right when a pledge is published through Wagtail itself (the Publish
  button or the last step of the review workflow), not through services.
- ``showcase_changed``: sent after editors change what the public showcase shows without
  publishing anything (featuring a member, removing it, reordering the featured ones). A site
  that caches whole pages connects to it to invalidate them; ``sender`` is the Pledge class,
  ``pledges`` the pledges changed.
"""

from django.dispatch import Signal
from django.utils import timezone
from wagtail.signals import published

from pledge_forms.choices import ReviewStatus
from pledge_forms.models import Pledge

showcase_changed = Signal()


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
