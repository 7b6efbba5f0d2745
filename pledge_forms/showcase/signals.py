"""``showcase_changed``: sent after editors change what the public showcase shows without
publishing anything (featuring a member, removing it, reordering the featured ones), and
when members lapse (``pledge_forms.services.lapse.pledges_lapsed``: their stage, or with the
"hidden" policy their presence, changes without any row being saved).

A site that caches whole pages connects to it to invalidate them; ``sender`` is the Pledge
class, ``pledges`` the pledges changed.
"""

from django.dispatch import Signal

showcase_changed = Signal()


def relay_lapses(sender, pledges, **kwargs):
    showcase_changed.send(sender=sender, pledges=pledges)


def connect() -> None:
    from pledge_forms.services.lapse import pledges_lapsed

    pledges_lapsed.connect(relay_lapses, dispatch_uid="pledge_forms_showcase_lapses")
