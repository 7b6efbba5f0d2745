"""Helpers for reading search input safely."""

import re
import unicodedata

from django import forms


def clean_search_query(value: str, max_length: int = 200) -> str:
    """The words to search for: control characters (NUL included, which databases refuse)
    removed, whitespace collapsed, at most ``max_length`` characters."""
    printable = "".join(
        char if unicodedata.category(char)[0] != "C" else " " for char in value
    )
    return " ".join(printable.split())[:max_length]


WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*")


def search_terms(query: str) -> str:
    """The words of ``query``, lower-cased and without punctuation, so no search backend
    (SQLite FTS5 included) reads them as operators or chokes on a stray quote."""
    return " ".join(WORD_RE.findall(query.lower()))


class SearchQueryField(forms.CharField):
    """A form field for search words, read with :func:`clean_search_query` (never an
    error: a query too long is cut, control characters are dropped)."""

    def __init__(self, *, max_query_length: int = 200, **kwargs):
        self.max_query_length = max_query_length
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"type": "search", "maxlength": max_query_length}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        return clean_search_query(super().to_python(value), self.max_query_length)
