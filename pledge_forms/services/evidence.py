"""Which evidence files belong to a pledge: those its practice rows name, in the database
(the published rows) and in each of its revisions (an update waiting for review, earlier
states a reviewer may compare or revert to), and, for erasure, in its submissions.

Reviewers may download exactly these files of a pledge (``pledge_forms.admin.evidence``);
erasure deletes them all (``services.privacy``). A file replaced by a later update stays
while a revision names it, so reverting to that revision brings it back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wagtail.models import Revision

from pledge_forms.evidence import is_evidence_name
from pledge_forms.models.pledges import Pledge
from pledge_forms.models.practices import PledgePractice
from pledge_forms.models.submissions import PledgeSubmission


def names_in_revision(content: dict[str, Any] | None) -> set[str]:
    """The evidence names in one revision's content (its serialised practice rows)."""
    rows = (content or {}).get("practices") or []
    return {
        row.get("evidence_file")
        for row in rows
        if isinstance(row, dict) and is_evidence_name(row.get("evidence_file"))
    }


def names_in_answers(form_data: dict[str, Any] | None) -> set[str]:
    """The evidence names in one submission's answers (``evidence_file_<pk>``)."""
    return {
        value
        for key, value in (form_data or {}).items()
        if key.startswith("evidence_file_") and is_evidence_name(value)
    }


def revision_names(revisions: Iterable[Revision]) -> set[str]:
    names: set[str] = set()
    for revision in revisions:
        names |= names_in_revision(revision.content)
    return names


def pledge_evidence_names(
    pledge: Pledge, *, submissions: bool = False, revisions=None
) -> set[str]:
    """Every evidence file the pledge's rows and revisions name (and, with
    ``submissions``, its submissions' answers). ``revisions``: the pledge's revisions,
    when the caller has read them already."""
    names = {
        name
        for name in PledgePractice.objects.filter(pledge=pledge)
        .exclude(evidence_file="")
        .values_list("evidence_file", flat=True)
        if is_evidence_name(name)
    }
    if revisions is None:
        revisions = Revision.objects.for_instance(pledge).only("content")
    names |= revision_names(revisions)
    if submissions:
        for form_data in PledgeSubmission.objects.filter(pledge=pledge).values_list(
            "form_data", flat=True
        ):
            names |= names_in_answers(form_data)
    return names
