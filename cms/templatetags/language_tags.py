"""The language switcher's links (cms/languages.py decides them)."""

from django import template

from cms import languages

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
