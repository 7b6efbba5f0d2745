"""Signal handlers of the core: Wagtail's own publishing and unpublishing of a pledge run
the review service (see :mod:`pledge_forms.services.review`).

``wagtail.signals.published`` is sent by Wagtail's ``PublishRevisionAction``, which every
way of publishing a snippet goes through (the edit form's Publish, a reverted revision,
``publish_scheduled``, ``Revision.publish()``); ``unpublished`` by its ``UnpublishAction``
(the Unpublish view, an expiry, ``unpublish()``).
"""

from wagtail.signals import published, unpublished

from pledge_forms.models.pledges import Pledge
from pledge_forms.services.review import approve_published, withdraw_unpublished


def approve_on_publish(sender, instance, revision, **kwargs):
    approve_published(instance, revision)


def withdraw_on_unpublish(sender, instance, **kwargs):
    withdraw_unpublished(instance)


def connect() -> None:
    published.connect(
        approve_on_publish, sender=Pledge, dispatch_uid="pledge_forms_approved"
    )
    unpublished.connect(
        withdraw_on_unpublish, sender=Pledge, dispatch_uid="pledge_forms_withdrawn"
    )
