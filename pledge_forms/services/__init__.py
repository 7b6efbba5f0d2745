"""Business rules of the pledge flow, as plain functions (no HTTP), one module per concern:

- :mod:`.identity`: the duplicate key, member slugs, the client's hash, month arithmetic;
- :mod:`.links`: signed confirmation and update links, the addresses e-mails point at;
- :mod:`.submission`: storing a pledge, its confirmation and its updates;
- :mod:`.drafts`: pledges being filled in step by step, until they are sent;
- :mod:`.logo_storage`: a logo media storage cannot take waits for a worker;
- :mod:`.eligibility`: the recognition rule and the rule for completion;
- :mod:`.review`: approve (any publication), decline, request changes, withdraw, mark
  completed;
- :mod:`.changes`: what a pending update changes against the live entry;
- :mod:`.abuse`: the rate limit and the purge of unconfirmed pledges;
- :mod:`.backlog`: undelivered e-mails and logos, for a site's health view;
- :mod:`.clients`: the client's address behind trusted proxies.

Views, the admin and the showcase use the names below; modules of this package import
each other directly, never through this package.
"""

from pledge_forms.services.abuse import (
    purge_unverified,
    rate_limited,
    release_rate_limit,
    too_many_drafts,
)
from pledge_forms.services.backlog import outstanding
from pledge_forms.services.claims import claim_once, release_claim
from pledge_forms.services.clients import client_address
from pledge_forms.services.eligibility import (
    AreaResult,
    Eligibility,
    can_complete,
    evaluate_eligibility,
    practices_not_in_place,
)
from pledge_forms.services.identity import (
    add_months,
    hash_client,
    normalise_key,
    unique_slug,
)
from pledge_forms.services.links import (
    InvalidLink,
    draft_for_resume_token,
    make_update_token,
    make_verify_token,
    member_link,
    pledge_for_update_token,
    pledge_for_verify_token,
    revoke_update_links,
    send_update_link,
    update_link,
    verify_link,
)
from pledge_forms.services.review import (
    ReviewError,
    approve,
    can_mark_completed,
    can_request_changes,
    completable,
    decline,
    mark_completed,
    request_changes,
)
from pledge_forms.services.submission import (
    PLEDGE_FIELDS,
    Arrival,
    SubmitResult,
    jsonable_answers,
    practice_rows,
    submit,
    submit_update,
    update_pledge,
    verify,
)

__all__ = [
    "PLEDGE_FIELDS",
    "AreaResult",
    "Arrival",
    "Eligibility",
    "InvalidLink",
    "ReviewError",
    "SubmitResult",
    "add_months",
    "approve",
    "can_complete",
    "can_mark_completed",
    "can_request_changes",
    "client_address",
    "completable",
    "decline",
    "draft_for_resume_token",
    "evaluate_eligibility",
    "hash_client",
    "jsonable_answers",
    "make_update_token",
    "make_verify_token",
    "mark_completed",
    "member_link",
    "normalise_key",
    "outstanding",
    "pledge_for_update_token",
    "pledge_for_verify_token",
    "practice_rows",
    "practices_not_in_place",
    "purge_unverified",
    "rate_limited",
    "claim_once",
    "release_claim",
    "release_rate_limit",
    "request_changes",
    "revoke_update_links",
    "send_update_link",
    "submit",
    "submit_update",
    "too_many_drafts",
    "unique_slug",
    "update_link",
    "update_pledge",
    "verify",
    "verify_link",
]
