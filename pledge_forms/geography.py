"""Countries (ISO 3166-1) and their subdivisions (ISO 3166-2), from pycountry."""

from functools import cache, lru_cache

import pycountry
from django.utils.translation import gettext_lazy as _


@cache
def country_choices() -> list[tuple[str, str]]:
    return sorted(
        ((c.alpha_2, c.name) for c in pycountry.countries), key=lambda item: item[1]
    )


@cache
def region_choices(country: str) -> list[tuple[str, str]]:
    """Top-level subdivisions of ``country`` (states, provinces…), sorted by name."""
    subdivisions = pycountry.subdivisions.get(country_code=country) or []
    return sorted(
        ((s.code, s.name) for s in subdivisions if not s.parent_code),
        key=lambda item: item[1],
    )


@cache
def all_region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Regions grouped by country name, for one <select> with <optgroup>s."""
    groups = []
    for code, name in country_choices():
        regions = region_choices(code)
        if regions:
            groups.append((name, regions))
    return groups


# Names are looked up for every member a page lists: kept per process (bounded, as codes come
# from stored rows).
@lru_cache(maxsize=4096)
def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return country.name if country else code


@lru_cache(maxsize=8192)
def region_name(code: str) -> str:
    if not code:
        return ""
    subdivision = pycountry.subdivisions.get(code=code)
    return subdivision.name if subdivision else code


def region_fits_country(region: str, country: str) -> bool:
    return region.split("-", 1)[0] == country and any(
        code == region for code, _name in region_choices(country)
    )


REGION_LABEL = _("State / province")
