"""``showcase_changed``: sent after editors change what the public showcase shows without
publishing anything (featuring a member, removing it, reordering the featured ones).

A site that caches whole pages connects to it to invalidate them; ``sender`` is the Pledge
class, ``pledges`` the pledges changed.
"""

from django.dispatch import Signal

showcase_changed = Signal()
