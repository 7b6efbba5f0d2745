"""The language switcher's links (cms/languages.py decides them)."""

from django import template
from django.utils import translation

from cms import languages, site_text

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[languages.LanguageLink]:
    """``{% language_links as links %}``: this page in every language the site has."""
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    if page is not None and not hasattr(page, "translation_key"):
        page = None
    return languages.language_links(request, page)


@register.simple_tag(takes_context=True)
def site_words(context) -> site_text.Words:
    """``{% site_words as words %}``: the site's name and footer text in the page's
    language."""
    return site_text.for_request(context.get("request"))


@register.simple_tag
def language_home() -> str:
    """The address of the home page in the page's language (``/`` or ``/fr/``)."""
    return languages.home_path(translation.get_language() or "")


@register.simple_tag(takes_context=True)
def policy_pages(context) -> dict:
    """``{% policy_pages as policies %}``: the privacy notice and accessibility statement
    in the page's language."""
    request = context.get("request")
    if request is None:
        return {}
    return languages.policy_pages(request)
