"""Who an agency is: the duplicate key, the member page's slug, the client's hash, dates."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.text import slugify

from pledge_forms import conf
from pledge_forms.models.pledges import Pledge, slug_is_reserved

_NOISE = re.compile(r"[^a-z0-9]+")
_ABBREVIATIONS = {"dept": "department", "pd": "police department", "co": "county"}


def normalise_key(name: str, country: str, region: str = "") -> str:
    """Name + country + state/province, folded so that spelling variants collide.

    Case, accents, punctuation, spacing and a leading "the" do not make a new agency.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = _NOISE.sub(" ", folded.casefold()).split()
    if words and words[0] == "the":
        words = words[1:]
    words = [_ABBREVIATIONS.get(word, word) for word in words]
    return f"{' '.join(words)}|{country.upper()}|{region.upper()}"[:600]


def local_date(value):
    """The site's local date of ``value`` (an aware or naive datetime, or a date);
    None stays None."""
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months``, on the month's last day when it is shorter."""
    return day + relativedelta(months=months)


def hash_client(address: str) -> str:
    """A salted hash of the client address; the address itself is never stored."""
    if not address:
        return ""
    return hashlib.sha256(f"{conf.client_hash_salt()}:{address}".encode()).hexdigest()


def unique_slug(base: str, extra: str, exclude_pk: int | None = None) -> str:
    """A member-page slug from the agency's name, then with its place, then numbered;
    never one the showcase uses for its own views."""
    base = slugify(base)[:100] or "agency"
    candidates = [base]
    if extra:
        candidates.append(f"{base}-{slugify(extra)}"[:110])
    taken = set(
        Pledge.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    for candidate in candidates:
        if candidate not in taken and not slug_is_reserved(candidate):
            return candidate
    number = 2
    while f"{candidates[-1]}-{number}" in taken:
        number += 1
    return f"{candidates[-1]}-{number}"
