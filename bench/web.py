"""Small HTTP helpers for the benchmark (standard library only)."""

import http.client
import re
import urllib.parse
from dataclasses import dataclass
from html import unescape


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    cookies: dict

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def request(
    base_url, path, method="GET", body=None, headers=None, timeout=30
) -> Answer:
    parts = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
        return Answer(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            data,
            cookies,
        )
    finally:
        conn.close()


def links(html: str, pattern: str) -> list[str]:
    """Unique hrefs matching ``pattern`` (a regex on the unescaped href), in page order."""
    seen = []
    for href in re.findall(r'href="([^"]+)"', html):
        href = unescape(href)
        if re.search(pattern, href) and href not in seen:
            seen.append(href)
    return seen


def select_options(html: str, name: str) -> list[str]:
    match = re.search(
        rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S
    )
    if not match:
        return []
    return [
        unescape(v)
        for v in re.findall(r'<option[^>]*value="([^"]*)"', match.group(1))
        if v
    ]


def hidden_inputs(html: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if re.search(r'type="hidden"', tag):
            name = re.search(r'name="([^"]*)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[unescape(name.group(1))] = (
                    unescape(value.group(1)) if value else ""
                )
    return fields
