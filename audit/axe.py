"""axe-core in a Playwright page: shared by the browser tests and the audit."""

from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def run_axe(page, source: str, context: str | None = None) -> dict:
    """axe-core's result for ``page`` (or the element ``context`` selects), once the page
    has loaded: checked mid-navigation, axe would see a page without its stylesheet (every
    target too small) or no document at all."""
    page.wait_for_load_state("load")
    # Loaded from the page's own origin (answered by the browser, never by the server):
    # the site's Content-Security-Policy allows no inline script, and an injected
    # <script> with the source inline would be blocked.
    url = urljoin(page.url, "/__axe-core__.js")
    page.route(
        url,
        lambda route: route.fulfill(body=source, content_type="text/javascript"),
    )
    page.add_script_tag(url=url)
    return page.evaluate(
        """async ([selector, tags]) => await axe.run(selector || document, {
            runOnly: {type: 'tag', values: tags},
        })""",
        [context, TAGS],
    )


def violations(result: dict, nodes: int = 5) -> list[dict]:
    """The violations of an axe result: rule, impact, help and the first targets."""
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:nodes],
        }
        for v in result["violations"]
    ]
