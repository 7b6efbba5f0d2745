"""Open data: the public fields of every listed member as CSV and JSON.

Columns, in this order (the same keys in JSON; ``practices`` is an object there and one
``practice:<code>`` column per practice in CSV):

==================  ==============================================================
column              meaning
==================  ==============================================================
id                  stable number of the member
slug                the member page's address ends with it: /members/<slug>/
name                display name of the agency
agency_type         code of the agency type (municipal, sheriff, state, ...)
agency_type_label   the agency type in words
country             ISO 3166-1 alpha-2 country code
region              ISO 3166-2 code of the state or province (may be empty)
region_name         name of the state or province
city                city (empty unless the agency agreed to show it)
size_band           sworn officers, e.g. 51-100
website             the agency's website (empty unless agreed)
statement           public statement (empty unless agreed)
chief_name          chief executive's name (empty unless agreed)
chief_title         chief executive's title (empty unless agreed)
stage               pledged, completed or lapsed (deadline passed, not completed)
pledged_on          date of the pledge (YYYY-MM-DD)
deadline            date by which all practices should be in place
completed_on        date of completion (completed members only)
practices_in_place  number of practices in place (empty unless agreed)
url                 the member page
practice:<code>     in_place, in_progress, planned or not_planned (empty unless agreed)
==================  ==============================================================

Rows are ordered by ``id``; only published pledges whose agency agreed to a public listing
appear. Text that a spreadsheet would read as a formula is prefixed with an apostrophe in CSV.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import Any

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pledge_forms import conf
from pledge_forms.admin.exports import neutralise
from pledge_forms.showcase.figures import FIGURES_CACHE_SECONDS, figures_key
from pledge_forms.showcase.members import (
    PublicMember,
    listed_members,
    listed_profiles,
    public_member,
)
from pledge_forms.showcase.statistics import Section

CACHE_SECONDS = 300
# Each file (CSV, JSON) is kept in the shared cache under the published pledges' fingerprint
# (rebuilt when one is published, unpublished or changed), unless it is larger than this: a
# larger file is streamed as it is written, so memory stays flat whatever the number of members.
FILE_CACHE_MAX_BYTES = 8 * 1024 * 1024
FILE_CACHE_CHUNK = 64 * 1024
# The address of a member page from its slug (MemberShowcasePage.member_url_builder).
MemberUrl = Callable[[str], str]

COLUMNS = (
    "id",
    "slug",
    "name",
    "agency_type",
    "agency_type_label",
    "country",
    "region",
    "region_name",
    "city",
    "size_band",
    "website",
    "statement",
    "chief_name",
    "chief_title",
    "stage",
    "pledged_on",
    "deadline",
    "completed_on",
    "practices_in_place",
    "url",
)


# What each column means, shown on the showcase page and included in data.json.
COLUMN_DOCS = (
    ("id", _("stable number of the member")),
    ("slug", _("address of the member page: /members/<slug>/")),
    ("name", _("display name of the agency")),
    ("agency_type", _("code of the agency type")),
    ("agency_type_label", _("the agency type in words")),
    ("country", _("ISO 3166-1 alpha-2 country code")),
    ("region", _("ISO 3166-2 code of the state or province (may be empty)")),
    ("region_name", _("name of the state or province")),
    ("city", _("city (empty unless the agency agreed to show it)")),
    ("size_band", _("number of sworn officers, e.g. 51-100")),
    ("website", _("the agency's website (empty unless agreed)")),
    ("statement", _("public statement (empty unless agreed)")),
    ("chief_name", _("chief executive's name (empty unless agreed)")),
    ("chief_title", _("chief executive's title (empty unless agreed)")),
    ("stage", _("pledged, completed or lapsed (deadline passed, not completed)")),
    ("pledged_on", _("date of the pledge (YYYY-MM-DD)")),
    ("deadline", _("date by which all practices should be in place")),
    ("completed_on", _("date of completion (completed members only)")),
    ("practices_in_place", _("number of practices in place (empty unless agreed)")),
    ("url", _("the member page")),
    (
        "practice:<code>",
        _(
            "in_place, in_progress, planned or not_planned (empty unless agreed); "
            "an object named practices in JSON"
        ),
    ),
)


def member_record(member: PublicMember, member_url: MemberUrl) -> dict[str, Any]:
    """The public record of a member, keys in ``COLUMNS`` order plus ``practices``;
    ``member_url`` gives the address of a member page from its slug."""
    return {
        "id": member.pk,
        "slug": member.slug,
        "name": member.name,
        "agency_type": member.agency_type,
        "agency_type_label": member.agency_type_label,
        "country": member.country,
        "region": member.region,
        "region_name": member.region_name,
        "city": member.city,
        "size_band": member.size_band,
        "website": member.website,
        "statement": member.statement,
        "chief_name": member.chief_name,
        "chief_title": member.chief_title,
        "stage": member.stage,
        "pledged_on": member.pledged_on.isoformat() if member.pledged_on else None,
        "deadline": member.deadline.isoformat() if member.deadline else None,
        "completed_on": (
            member.completed_on.isoformat() if member.completed_on else None
        ),
        "practices_in_place": (
            member.in_place_count if member.shows_practices else None
        ),
        "url": member_url(member.slug),
        "practices": dict(member.practices) if member.shows_practices else None,
    }


def practice_codes(sections: list[Section]) -> list[str]:
    return [p.code for s in sections for p in s.practices]


def iter_members() -> Iterator[PublicMember]:
    """Every listed member in a stable order, read in chunks (memory stays flat)."""
    for pledge in listed_profiles().order_by("pk").iterator(chunk_size=1000):
        yield public_member(pledge)


class _Echo:
    def write(self, value):
        return value


def csv_rows(sections: list[Section], member_url: MemberUrl) -> Iterator[str]:
    codes = practice_codes(sections)
    writer = csv.writer(_Echo())
    yield writer.writerow([*COLUMNS, *(f"practice:{code}" for code in codes)])
    for member in iter_members():
        record = member_record(member, member_url)
        practices = record["practices"] or {}
        row = [record[column] for column in COLUMNS]
        row += [
            practices.get(code, "") if record["practices"] else "" for code in codes
        ]
        yield writer.writerow(
            [neutralise("" if value is None else value) for value in row]
        )


def json_chunks(sections: list[Section], member_url: MemberUrl) -> Iterator[str]:
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    head = {
        "columns": list(COLUMNS) + ["practices"],
        "practices": practice_codes(sections),
        "column_descriptions": {name: str(text) for name, text in COLUMN_DOCS},
    }
    yield encoder.encode(head)[:-1] + ', "members": ['
    first = True
    for member in iter_members():
        yield ("" if first else ",\n") + encoder.encode(
            member_record(member, member_url)
        )
        first = False
    yield "]}\n"


def _headers(response: StreamingHttpResponse) -> StreamingHttpResponse:
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _cache_key(name: str, sections: list[Section], member_url: MemberUrl) -> str:
    """A file's key in the one cache of figures: it changes with the published pledges,
    the checklist's practices, the member pages' address and the language (of labels)."""
    return figures_key(f"data_{name}", practice_codes(sections), member_url("-"))


def cached_chunks(write: Callable[[], Iterator[str]], key: str) -> Iterator[str]:
    """A file from the shared cache under ``key``, or written by ``write`` (and stored
    when small enough; a larger one is streamed as it is written)."""
    body = cache.get(key)
    if body is not None:
        for start in range(0, len(body), FILE_CACHE_CHUNK):
            yield body[start : start + FILE_CACHE_CHUNK]
        return
    kept: list[str] | None = []
    size = 0
    for chunk in write():
        if kept is not None:
            kept.append(chunk)
            size += len(chunk)
            if size > FILE_CACHE_MAX_BYTES:
                kept = None  # too large to keep: stream only
        yield chunk
    if kept is not None:
        cache.set(key, "".join(kept), FIGURES_CACHE_SECONDS)


def _file_chunks(name: str, write, sections, member_url) -> Iterator[str]:
    return cached_chunks(
        lambda: write(sections, member_url),
        _cache_key(name, sections, member_url),
    )


def csv_response(
    sections: list[Section], member_url: MemberUrl
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _file_chunks("csv", csv_rows, sections, member_url),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="members.csv"'
    return _headers(response)


def json_response(
    sections: list[Section], member_url: MemberUrl
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _file_chunks("json", json_chunks, sections, member_url),
        content_type="application/json",
    )
    return _headers(response)


# --- The open data described for search engines (schema.org Dataset, JSON-LD) ------------

MODIFIED_CACHE_KEY = "pledge_forms:open-data:modified"


def last_modified() -> str:
    """When a listed member was last published (ISO 8601, never in the future), or "".

    Kept in the cache as long as the files themselves may be (``CACHE_SECONDS``), so the
    showcase page reads it without a query on most requests."""
    value = cache.get(MODIFIED_CACHE_KEY)
    if value is None:
        latest = listed_members().order_by().aggregate(latest=Max("last_published_at"))
        moment = latest["latest"]
        value = (
            min(moment, timezone.now()).isoformat(timespec="seconds") if moment else ""
        )
        cache.set(MODIFIED_CACHE_KEY, value, CACHE_SECONDS)
    return value


def dataset(page, request=None) -> dict[str, Any]:
    """The open data files of the showcase ``page`` as a schema.org Dataset: what they
    hold, their columns, their licence (``PLEDGE_FORMS_OPEN_DATA_LICENSE``, when the site
    names one), each file with its address and format, and when they last changed."""
    site_name = conf.site_name()
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": (
            gettext("Member agencies of the %(site)s") % {"site": site_name}
            if site_name
            else gettext("Member agencies: %(title)s") % {"title": page.title}
        ),
        "description": gettext(
            "The public fields of every member agency listed in the showcase, one "
            "record per member: name, agency type, country, state or province, size, "
            "stage, dates of the pledge, deadline and completion and, where the agency "
            "agreed, its city, website, statement, chief executive and the status of "
            "each practice."
        ),
        "url": page.absolute_url(request),
        "isAccessibleForFree": True,
        "variableMeasured": [*COLUMNS, "practice:<code>"],
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": "text/csv",
                "contentUrl": page.absolute_url(request, "data_csv"),
            },
            {
                "@type": "DataDownload",
                "encodingFormat": "application/json",
                "contentUrl": page.absolute_url(request, "data_json"),
            },
        ],
    }
    if site_name:
        data["creator"] = {"@type": "Organization", "name": site_name}
    licence = conf.get("OPEN_DATA_LICENSE")
    if licence:
        data["license"] = licence
    modified = last_modified()
    if modified:
        data["dateModified"] = modified
    return data
