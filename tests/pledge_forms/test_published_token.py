"""The published pledges' token changes with every change to a published pledge, however
the row changes, and with nothing else (pledge_forms/models/published.py)."""

import pytest
from django.db import connection

from pledge_forms.models import Pledge
from pledge_forms.models.published import published_token
from pledge_forms.testing.factories import PledgeFactory

pytestmark = pytest.mark.django_db


def changes_token(change) -> bool:
    before = published_token()
    change()
    return published_token() != before


def test_every_way_a_published_pledge_changes_gives_a_new_token():
    pledge = PledgeFactory(live=True)
    other = PledgeFactory(live=True)
    assert published_token()
    # A model's save(), a queryset's update(), a bulk update, raw SQL, an unpublishing,
    # a deletion: each is a new token.
    pledge.display_name = "Renamed Police Department"
    assert changes_token(pledge.save)
    assert changes_token(
        lambda: Pledge.objects.filter(pk=pledge.pk).update(featured=True)
    )
    other.region = "US-WA"
    assert changes_token(lambda: Pledge.objects.bulk_update([other], ["region"]))

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE pledge_forms_pledge SET city = %s WHERE id = %s",
                ["B", pledge.pk],
            )

    assert changes_token(raw_sql)
    assert changes_token(lambda: Pledge.objects.filter(pk=pledge.pk).update(live=False))
    assert changes_token(other.delete)
    # Each change a token of its own: two changes never come back to an earlier one.
    seen = set()
    for name in ("A", "B", "C"):
        Pledge.objects.filter(pk=pledge.pk).update(live=True, city=name)
        seen.add(published_token())
    assert len(seen) == 3


def test_a_new_pledge_published_at_once_gives_a_new_token():
    assert changes_token(lambda: PledgeFactory(live=True))
    assert changes_token(
        lambda: Pledge.objects.bulk_create(
            [PledgeFactory.build(live=True, slug="bulk-one", normalised_key="bulk-one")]
        )
    )


def test_pledges_that_are_not_published_leave_the_token_alone():
    """A pledge waiting for review is written often (stored, confirmed, reminded): what
    the public sees does not change, and none of these writes touches the token's row."""
    PledgeFactory(live=True)
    draft = PledgeFactory(live=False)
    before = published_token()
    draft.city = "Elsewhere"
    draft.save()
    Pledge.objects.filter(pk=draft.pk).update(review_status="declined")
    PledgeFactory(live=False)
    draft.delete()
    assert published_token() == before
