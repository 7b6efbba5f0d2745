"""Helpers for reading search input safely."""

import re
import unicodedata


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
