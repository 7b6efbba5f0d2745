"""Countries (ISO 3166-1) and their subdivisions (ISO 3166-2), from pycountry, named in the
active language.

pycountry ships the translations of the Debian iso-codes project (gettext catalogues
``iso3166-1`` and ``iso3166-2``), the maintained source of these names in every language;
a name without a translation stays the English one. Codes are what records keep: only the
names shown change with the language.
"""

import gettext
import unicodedata
from functools import cache, lru_cache

import pycountry
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@cache
def _catalogue(domain: str, language: str):
    """The gettext function of pycountry's catalogue ``domain`` in ``language``."""
    if language.split("-")[0] == "en":
        return str
    names = gettext.translation(
        domain,
        pycountry.LOCALES_DIR,
        languages=[language.replace("-", "_"), language.split("-")[0]],
        fallback=True,
    )
    return names.gettext


def _language() -> str:
    return (get_language() or "en").lower()


def sort_key(name: str) -> str:
    """Alphabetical order in any language: accents do not send "États-Unis" to the end."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def country_choices() -> list[tuple[str, str]]:
    return _country_choices(_language())


@cache
def _country_choices(language: str) -> list[tuple[str, str]]:
    name = _catalogue("iso3166-1", language)
    return sorted(
        ((c.alpha_2, name(c.name)) for c in pycountry.countries),
        key=lambda item: sort_key(item[1]),
    )


def region_choices(country: str) -> list[tuple[str, str]]:
    """Top-level subdivisions of ``country`` (states, provinces…), sorted by name."""
    return _region_choices(country, _language())


@lru_cache(maxsize=1024)
def _region_choices(country: str, language: str) -> list[tuple[str, str]]:
    name = _catalogue("iso3166-2", language)
    subdivisions = pycountry.subdivisions.get(country_code=country) or []
    return sorted(
        ((s.code, name(s.name)) for s in subdivisions if not s.parent_code),
        key=lambda item: sort_key(item[1]),
    )


def all_region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Regions grouped by country name, for one <select> with <optgroup>s."""
    return _all_region_choices(_language())


@cache
def _all_region_choices(language: str) -> list[tuple[str, list[tuple[str, str]]]]:
    groups = []
    for code, name in _country_choices(language):
        regions = _region_choices(code, language)
        if regions:
            groups.append((name, regions))
    return groups


def country_name(code: str) -> str:
    return _country_name(code, _language())


# Names are looked up for every member a page lists: kept per process and language
# (bounded, as codes come from stored rows).
@lru_cache(maxsize=4096)
def _country_name(code: str, language: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return _catalogue("iso3166-1", language)(country.name) if country else code


def region_name(code: str) -> str:
    return _region_name(code, _language())


@lru_cache(maxsize=8192)
def _region_name(code: str, language: str) -> str:
    if not code:
        return ""
    subdivision = pycountry.subdivisions.get(code=code)
    return _catalogue("iso3166-2", language)(subdivision.name) if subdivision else code


def region_fits_country(region: str, country: str) -> bool:
    return region.split("-", 1)[0] == country and any(
        code == region for code, _name in region_choices(country)
    )


REGION_LABEL = _("State / province")
