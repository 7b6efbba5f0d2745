"""What a public page says about itself in its ``<head>``: the one place that decides it.

:func:`page_metadata` reads the template context of the page being rendered and returns
a :class:`PageMetadata`; ``cms/templates/includes/meta.html`` (included by ``base.html``)
renders it: title, description, canonical link, robots, OpenGraph and Twitter tags,
JSON-LD. Nothing here writes HTML: JSON-LD is built as dicts and rendered by the
``json_ld`` filter, which escapes ``<``, ``>`` and ``&`` like Django's ``json_script``.

Where each value comes from (docs/metadata.md says the same for editors):

- a view that is not a page, or a route of a page (the showcase's member pages, map and
  statistics, the pledge form's steps), names its own through the template context:
  ``page_title``, ``meta_description``, ``canonical_url``, ``og_image`` (a URL, with
  ``og_image_alt``), ``robots``, ``structured_data`` (a list of JSON-LD dicts); an empty
  ``canonical_url`` means none (an error page). The pledge plugin does so without knowing
  this site;
- otherwise the page: its SEO title or title; its search description, else its summary or
  introduction, else the first paragraph of its body, as plain text cut on a word
  boundary; its own image (:meth:`get_social_image`), else the default social image of
  the site settings;
- the canonical address is the public address (``PUBLIC_URL``) of the page, or of the
  route shown, without the query string, except ``?page=N`` on an unfiltered list's
  later pages (each is its own page of content);
- the home page's title is the site name (or its SEO title) alone; other titles end with
  " · " and the site name, unless they contain it already.

Every value is computed from what the page has already loaded, the site settings (with
their images, in the query the header makes anyway) and the navigation's breadcrumbs
(one query per request, shared with the header): the metadata adds no query that grows
with the content. Renditions come from Wagtail's rendition cache.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.html import strip_tags
from django.utils.translation import get_language, gettext, to_locale
from wagtail.fields import RichTextField
from wagtail.models import Site

from campaign_pages.models import NewsPage
from campaign_pages.templatetags.campaign_tags import site_navigation
from cms import languages, site_text
from cms.models import SiteSettings
from cms.public_address import absolute

logger = logging.getLogger(__name__)

DESCRIPTION_LENGTH = 160
HEADLINE_LENGTH = 110  # Google's limit for an article's headline
SEPARATOR = " · "
#: OpenGraph's recommended card: 1.91:1, 1200 px wide (smaller sources are not enlarged).
OG_IMAGE_FILTER = "fill-1200x630"
LOGO_FILTER = "max-600x600"
SCHEMA = "https://schema.org"
PARAGRAPH_RE = re.compile(r"<p\b[^>]*>(.*?)</p>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class SocialImage:
    """An image for OpenGraph and Twitter cards: absolute URL, size when known, alt text."""

    url: str
    width: int | None = None
    height: int | None = None
    alt: str = ""


@dataclass
class PageMetadata:
    """Everything ``includes/meta.html`` renders. ``title`` is the page's own title (the
    OpenGraph title); the document's ``<title>`` is ``title`` + ``title_suffix``."""

    title: str
    title_suffix: str
    site_name: str
    description: str
    canonical_url: str
    og_type: str = "website"
    image: SocialImage | None = None
    robots: str = ""
    locale: str = "en_US"
    published_time: str = ""
    modified_time: str = ""
    #: The trail the visible breadcrumbs show: (name, absolute URL), the page last.
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)
    #: The visible breadcrumbs' last crumb when a route of the page is shown (a member).
    route_title: str = ""
    structured_data: list[dict[str, Any]] = field(default_factory=list)
    #: (hreflang, absolute URL) of the page in every language it is in, and x-default.
    alternates: list[tuple[str, str]] = field(default_factory=list)

    @property
    def og_title(self) -> str:
        return self.title or self.site_name

    @property
    def twitter_card(self) -> str:
        return "summary_large_image" if self.image else "summary"


# --- Text ---------------------------------------------------------------------------------


def one_line(value: Any) -> str:
    """Plain text (a title, a summary, a name) on one line."""
    return " ".join(str(value or "").split())


def plain_text(value: Any) -> str:
    """Rich-text HTML as one line of plain text."""
    return one_line(html.unescape(strip_tags(str(value or ""))))


def field_text(page, name: str) -> str:
    """The text of the page's field ``name``: rich text made plain, plain text as is."""
    value = getattr(page, name, "")
    try:
        rich = isinstance(page._meta.get_field(name), RichTextField)
    except FieldDoesNotExist:
        rich = False
    return plain_text(value) if rich else one_line(value)


def truncate_words(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """``text`` cut to at most ``limit`` characters on a word boundary, with an ellipsis
    when something was cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–—-") + "…"


def first_paragraph(body: Any) -> str:
    """The first non-empty paragraph of a StreamField body's text blocks, as plain text.

    Read from the stored data, so no block is converted (and no chosen image, document or
    page is loaded) for it."""
    raw = getattr(body, "raw_data", None)
    if raw is None:
        return ""
    for block in raw:
        if not isinstance(block, dict) or block.get("type") != "rich_text":
            continue
        value = str(block.get("value") or "")
        for paragraph in PARAGRAPH_RE.findall(value) or [value]:
            text = plain_text(paragraph)
            if text:
                return text
    return ""


def page_description(page) -> str:
    """The search description, else the summary or introduction, else the first
    paragraph of the body: plain text, at most ~160 characters."""
    for name in ("search_description", "summary", "intro"):
        text = field_text(page, name)
        if text:
            return truncate_words(text)
    return truncate_words(first_paragraph(getattr(page, "body", None)))


# --- Images -------------------------------------------------------------------------------


def wagtail_image(image, spec: str = OG_IMAGE_FILTER) -> SocialImage | None:
    """A rendition of a Wagtail image for a card; None for an SVG (social networks show
    none) or an image whose file cannot be read."""
    if image is None or image.is_svg():
        return None
    try:
        rendition = image.get_rendition(spec)
    except Exception:  # a missing or unreadable source file must not break the page
        logger.warning("No %s rendition of image %s", spec, image.pk, exc_info=True)
        return None
    return SocialImage(
        url=absolute(rendition.url),
        width=rendition.width,
        height=rendition.height,
        alt=one_line(getattr(image, "default_alt_text", "") or image.title),
    )


def page_image(context, page, site_settings) -> SocialImage | None:
    """The route's own image (``og_image``), else the page's, else the site's default."""
    url = context.get("og_image")
    if url:
        return SocialImage(
            url=absolute(str(url)),
            width=context.get("og_image_width"),
            height=context.get("og_image_height"),
            alt=one_line(context.get("og_image_alt", "")),
        )
    candidates = []
    if page is not None and hasattr(page, "get_social_image"):
        candidates.append(page.get_social_image())
    if site_settings is not None:
        candidates.append(site_settings.social_image)
    for image in candidates:
        found = wagtail_image(image)
        if found:
            return found
    return None


def logo_url(site_settings) -> str:
    logo = site_settings.logo if site_settings is not None else None
    if logo is None:
        return ""
    if logo.is_svg():
        return absolute(logo.file.url)
    found = wagtail_image(logo, LOGO_FILTER)
    return found.url if found else ""


# --- Addresses ----------------------------------------------------------------------------


def list_page_number(context) -> int:
    """The number of the list page shown, when it is a later page of an unfiltered list
    (news, resources); 1 otherwise."""
    page_obj = context.get("page_obj")
    number = getattr(page_obj, "number", 1)
    filters = context.get("filters")
    if getattr(filters, "applied", None) or getattr(filters, "active", False):
        return 1
    return number if isinstance(number, int) and number > 1 else 1


def canonical_url(context, page=None, request=None) -> str:
    """The public address of what is shown (see the module's docstring)."""
    if "canonical_url" in context:  # a view's own; empty: none (an error page)
        explicit = context.get("canonical_url")
        return absolute(str(explicit)) if explicit else ""
    if page is None or not hasattr(page, "get_url"):
        return ""
    path = page.get_url(request) or ""
    if request is not None and path.startswith("/") and request.path.startswith(path):
        path = iri_to_uri(request.path)
    number = list_page_number(context)
    if number > 1:
        path += f"?page={number}"
    return absolute(path)


def home_url() -> str:
    return absolute("/")


def search_url() -> str:
    try:
        return absolute(reverse("search"))
    except NoReverseMatch:
        return ""


# --- Structured data (schema.org, as JSON-LD dicts) --------------------------------------


def organization(meta: PageMetadata, site_settings) -> dict[str, Any]:
    """The campaign as an Organization (its name, address, logo, profiles)."""
    data = {
        "@context": SCHEMA,
        "@type": "Organization",
        "@id": home_url() + "#organization",
        "name": meta.site_name,
        "url": home_url(),
    }
    logo = logo_url(site_settings)
    if logo:
        data["logo"] = logo
    if site_settings is not None:
        if site_settings.contact_email:
            data["email"] = site_settings.contact_email
        profiles = [url for _name, url in site_settings.social_links]
        if profiles:
            data["sameAs"] = profiles
    return data


def website(meta: PageMetadata) -> dict[str, Any]:
    """The site as a WebSite, with the search box search engines may offer."""
    data = {
        "@context": SCHEMA,
        "@type": "WebSite",
        "@id": home_url() + "#website",
        "name": meta.site_name,
        "url": home_url(),
        "inLanguage": meta.locale.replace("_", "-"),
        "publisher": {"@id": home_url() + "#organization"},
    }
    search = search_url()
    if search:
        data["potentialAction"] = {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": search + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        }
    return data


def publisher(meta: PageMetadata, site_settings) -> dict[str, Any]:
    data = {"@type": "Organization", "name": meta.site_name, "url": home_url()}
    logo = logo_url(site_settings)
    if logo:
        data["logo"] = {"@type": "ImageObject", "url": logo}
    return data


def article_dates(page) -> tuple[str, str]:
    """(published, modified) of a news post, ISO 8601: the post's date, and when it was
    last published; never in the future, and never modified before it was published."""
    now = timezone.now()
    published = page.date
    if published > timezone.localdate(now):
        published = timezone.localdate(page.first_published_at or now)
    modified = min(page.last_published_at or now, now)
    if timezone.localdate(modified) < published:
        return published.isoformat(), published.isoformat()
    return published.isoformat(), modified.isoformat(timespec="seconds")


def news_article(page, meta: PageMetadata, site_settings) -> dict[str, Any]:
    published, modified = article_dates(page)
    data = {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "headline": truncate_words(meta.og_title, HEADLINE_LENGTH),
        "description": meta.description,
        "url": meta.canonical_url,
        "mainEntityOfPage": meta.canonical_url,
        "datePublished": published,
        "dateModified": modified,
        "inLanguage": meta.locale.replace("_", "-"),
        "publisher": publisher(meta, site_settings),
        "author": (
            [{"@type": "Person", "name": page.author}]
            if page.author
            else [publisher(meta, site_settings)]
        ),
    }
    if meta.image:
        data["image"] = [meta.image.url]
    return data


def breadcrumb_list(crumbs: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(crumbs, start=1)
        ],
    }


def with_publisher(data: dict[str, Any], meta: PageMetadata) -> dict[str, Any]:
    """A Dataset (or other creative work) a route supplies, credited to the campaign when
    it names no publisher."""
    if data.get("@type") == "Dataset" and "publisher" not in data:
        data = {
            **data,
            "publisher": {
                "@type": "Organization",
                "name": meta.site_name,
                "url": home_url(),
            },
        }
    return data


# --- The whole ------------------------------------------------------------------------------


def breadcrumbs(context, page, request, route_title: str, canonical: str) -> list:
    """The visible breadcrumbs (``includes/breadcrumbs.html``) as (name, absolute URL):
    the page's live ancestors from home, the page, and the route shown, if any."""
    if page is None or not getattr(page, "pk", None):
        return []
    navigation = site_navigation(context)
    if not navigation.breadcrumbs:
        return []
    trail = [
        (
            gettext("Home") if crumb.depth == 2 else crumb.title,
            absolute(crumb.get_url(request)),
        )
        for crumb in navigation.breadcrumbs
    ]
    trail.append((page.title, absolute(page.get_url(request))))
    if route_title:
        trail.append((route_title, canonical))
    return trail


# OpenGraph names a language with its territory: the campaign's readers (the US, Canada).
OG_LOCALES = {"en": "en_US", "es": "es_LA", "fr": "fr_CA"}


def og_locale(language: str) -> str:
    return OG_LOCALES.get(language) or to_locale(language)


def page_metadata(context) -> PageMetadata:
    """The metadata of the page rendered with ``context`` (see the module's docstring)."""
    request = context.get("request")
    page = context.get("page")
    if page is not None and not hasattr(page, "get_url"):
        page = None  # a context's "page" that is not a Wagtail page (a paginator's)
    site = Site.find_for_request(request) if request is not None else None
    site_settings = SiteSettings.for_request(request) if site is not None else None
    site_name = site_text.for_request(request).site_name

    canonical = canonical_url(context, page, request)
    page_title = one_line(context.get("page_title", ""))
    own_path = (
        page is not None
        and request is not None
        and (page.get_url(request) == request.path)
    )
    is_home = bool(
        page is not None and site is not None and languages.is_site_home(page, site)
    ) and (own_path and not page_title)
    if page_title:
        title = page_title
    elif page is not None:
        title = one_line(page.seo_title or page.title)
    else:
        title = ""
    if is_home:
        title = one_line(page.seo_title) or site_name
    shown = f"{title} {getattr(page, 'title', '')}".casefold()
    suffix = "" if is_home or site_name.casefold() in shown else SEPARATOR + site_name

    description = truncate_words(one_line(context.get("meta_description", "")))
    if not description and page is not None and not page_title:
        description = page_description(page)

    meta = PageMetadata(
        title=title,
        title_suffix=suffix,
        site_name=site_name,
        description=description,
        canonical_url=canonical,
        image=page_image(context, page, site_settings),
        robots=str(context.get("robots", "") or ""),
        locale=og_locale(get_language() or settings.LANGUAGE_CODE),
    )
    if request is not None and canonical and urlsplit(canonical).path == request.path:
        # Alternates of the page that is its own canonical address (search engines
        # index no other).
        meta.alternates = languages.alternates(request, page)
    route_title = page_title if (page is not None and not own_path) else ""
    meta.route_title = route_title
    meta.breadcrumbs = breadcrumbs(context, page, request, route_title, canonical)

    data: list[dict[str, Any]] = []
    if is_home:
        data += [organization(meta, site_settings), website(meta)]
    if isinstance(page, NewsPage) and own_path:
        meta.og_type = "article"
        meta.published_time, meta.modified_time = article_dates(page)
        data.append(news_article(page, meta, site_settings))
    data += [
        with_publisher(item, meta) for item in context.get("structured_data") or []
    ]
    if meta.breadcrumbs:
        data.append(breadcrumb_list(meta.breadcrumbs))
    meta.structured_data = data
    return meta
