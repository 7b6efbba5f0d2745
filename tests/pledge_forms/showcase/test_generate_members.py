"""``generate_members`` writes its rows in bulk, without a model instance per row: what it
writes must still be what the pledge flow leaves, revision content included, so the admin's
history, compare and publish views and the showcase treat generated members as real ones."""

import datetime
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.models import Revision

from pledge_forms.models import ChecklistItem, Pledge
from pledge_forms.models.practices import PledgePractice
from pledge_forms.models.progress import PracticeChange
from pledge_forms.showcase.management.commands.generate_members import generate_members

pytestmark = pytest.mark.django_db

NS = "wagtailsnippets_pledge_forms_pledge"


def test_a_generated_revision_holds_what_serialising_the_stored_pledge_gives(
    checklist,
):
    generate_members(40, seed=8, batch_size=15)

    pledges = Pledge.objects.select_related("latest_revision")
    assert pledges.count() == 40
    for pledge in pledges:
        content = dict(pledge.latest_revision.content)
        # Serialising stamps the moment it runs (auto_now): the row's stamp, read first.
        updated_at = pledge.updated_at
        stored = json.loads(
            json.dumps(pledge.serializable_data(), cls=DjangoJSONEncoder)
        )
        # As the pledge flow serialises it: before its first revision is recorded.
        stored["latest_revision"] = stored["live_revision"] = None
        # The revision holds the row's own stamp (in milliseconds, as JSON keeps it).
        stored.pop("updated_at")
        stamped = parse_datetime(content.pop("updated_at"))
        assert stamped == updated_at.replace(
            microsecond=updated_at.microsecond // 1000 * 1000
        )
        assert content.keys() == stored.keys()  # (PostgreSQL's jsonb sorts them)
        differing = {
            name: (content[name], stored[name])
            for name in stored
            if content[name] != stored[name]
        }
        assert differing == {}, pledge.pk
        assert pledge.latest_revision.object_str == str(pledge)
        assert pledge.latest_revision.created_at == (
            pledge.last_published_at or pledge.pledged_at
        )


def test_every_member_has_its_rows_revision_and_a_history_ending_at_its_statuses(
    checklist,
):
    items = list(
        ChecklistItem.objects.filter(section__checklist=checklist).values_list(
            "pk", flat=True
        )
    )

    assert generate_members(60, seed=9, batch_size=25) == 60

    pledges = Pledge.objects.all()
    assert PledgePractice.objects.count() == 60 * len(items)
    assert (
        Revision.objects.filter(object_id__in=[str(p.pk) for p in pledges]).count()
        == 60
    )
    for pledge in pledges:
        assert pledge.latest_revision_id is not None
        assert pledge.live_revision_id == (
            pledge.latest_revision_id if pledge.live else None
        )
        changes = list(
            PracticeChange.objects.filter(pledge=pledge).order_by("changed_on")
        )
        if not pledge.live:
            assert changes == []
            continue
        first = [change for change in changes if change.status_before == ""]
        assert sorted(change.item_id for change in first) == sorted(items)
        assert {change.changed_on for change in first} == {
            timezone.localdate(pledge.pledged_at)
        }
        now = {change.item_id: change.status_after for change in changes}
        assert now == pledge.statuses_by_item()


def test_reviewers_open_compare_and_publish_again_a_generated_members_revision(
    client, checklist, django_user_model, run_on_commit
):
    generate_members(20, seed=10)
    pledge = Pledge.objects.filter(live=True).first()
    published = pledge.live_revision
    rows = dict(pledge.practices.values_list("pk", "status"))
    client.force_login(
        django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")
    )

    assert client.get(reverse(f"{NS}:history", args=[pledge.pk])).status_code == 200
    assert client.get(reverse(f"{NS}:edit", args=[pledge.pk])).status_code == 200
    later = pledge.save_revision(clean=False)
    compare = reverse(
        f"{NS}:revisions_compare", args=[pledge.pk, published.pk, later.pk]
    )
    assert client.get(compare).status_code == 200

    published.publish()

    # The revision names the stored rows: publishing it again keeps them as they are.
    assert dict(pledge.practices.values_list("pk", "status")) == rows
    assert published.as_object().statuses_by_item() == pledge.statuses_by_item()
    pledge.refresh_from_db()
    assert pledge.live_revision_id == published.pk
    assert pledge.last_published_at > timezone.now() - datetime.timedelta(minutes=1)
