"""What the benchmark measures, in one place.

Each page target says how to find its URL on the running server. URLs that depend on generated
data (a focus area, a member) are found by reading the public pages, the way a visitor finds them,
so the benchmark does not depend on any app's internals. A target whose page does not exist yet is
skipped with the reason printed in the table.
"""

from dataclasses import dataclass, field

# Data generated before the run (issue: 5,000 members, 500 resources, 200 news posts).
MEMBERS = 5_000
RESOURCES = 500
NEWS_POSTS = 200
SUBMISSIONS_FOR_EXPORT = 50_000

# The management command that makes members (pledge_forms). Skipped with a message if missing.
GENERATE_MEMBERS_COMMAND = "generate_members"

# Factories for resources and news (campaign_pages/testing/factories.py); skipped with a message if missing.
RESOURCE_FACTORY = "campaign_pages.testing.factories.ResourcePageFactory"
NEWS_FACTORY = "campaign_pages.testing.factories.NewsPageFactory"
RESOURCE_INDEX_MODEL = "campaign_pages.ResourceIndexPage"
NEWS_INDEX_MODEL = "campaign_pages.NewsIndexPage"
FOCUS_AREA_MODEL = "campaign_pages.FocusAreaPage"


@dataclass(frozen=True)
class Page:
    name: str
    label: str
    # A fixed path, or the name of a resolver in bench.resolve.
    path: str = ""
    resolver: str = ""
    # Pages the issue counts as "public pages" for the cached/uncached targets.
    public: bool = True
    tags: tuple[str, ...] = field(default_factory=tuple)


PAGES = [
    Page("ceiling", "ceiling (minimal view)", path="/bench/ceiling/", public=False),
    Page("home", "home", path="/"),
    Page("focus_area", "a focus area", resolver="focus_area"),
    Page("resources", "resource index, filtered", resolver="resource_filter"),
    Page(
        "showcase",
        "showcase, filtered, page 2",
        resolver="showcase_page2",
        tags=("showcase",),
    ),
    Page("member", "a member page", resolver="member"),
    Page("badge", "a member's badge", resolver="badge"),
    Page("data_csv", "members data.csv", path="/members/data.csv"),
    Page("resource", "a resource", resolver="resource", public=True),
    Page("news_post", "a news post", resolver="news_post", public=True),
    Page("pledge_get", "pledge form GET", path="/pledge/"),
]

# Every public page type, measured in-process as CPU per request (bench/cpu.py): fixed paths
# and the pages found above (their names), then each step of the pledge form.
CPU_PATHS = [
    "/",
    "/focus-areas/",
    "focus_area",
    "/resources/",
    "resources",
    "resource",
    "/news/",
    "news_post",
    "/about/",
    "/search/?q=policy",
    "/members/",
    "showcase",
    "member",
    "badge",
    "/members/map/",
    "/members/statistics/",
    "/members/data.csv",
    "/members/data.json",
    "/es/",
    "/fr/members/",
]
# Targets of issue 14, as multiples of the minimal view's CPU time.
CPU_TARGET_PLEDGE = 40
CPU_TARGET_PAGES = 60
# Issue 14, scale: members added after the CPU measurement (bench/scale.py), the most CPU a page
# may cost then as a multiple of its cost before, and the time generating 50,000 may take.
SCALE_MEMBERS = 50_000
SCALE_CPU_RATIO = 1.3
SCALE_GENERATE_SECONDS = 120

# Where the indexes live (SPEC §7 public URLs).
FOCUS_AREA_INDEX = "/focus-areas/"
NEWS_INDEX = "/news/"
RESOURCE_INDEX = "/resources/"
SHOWCASE = "/members/"
PLEDGE_FORM = "/pledge/"
# Filter parameters of the showcase tried in this order (the first that has a page 2 wins).
SHOWCASE_FILTERS = ("country", "agency_type", "size_band", "region")
# Links under the showcase that are not member pages.
SHOWCASE_SUBPAGES = ("map", "statistics", "data.csv", "data.json")
# Tried before the options read from the page (most generated members are in the US).
SHOWCASE_FILTERS_FIRST = ("country=US", "agency_type=municipal")

# Peak memory of exports (issue: under 200 MB for 50,000 rows). Each is run in a fresh process
# with the same settings as the server; the URL is fetched through Django's test client as a
# logged-in superuser when ``admin`` is true, and the whole body is consumed.
EXPORTS = [
    {
        "name": "members data.csv",
        "url": "/members/data.csv",
        "admin": False,
    },
    {
        "name": "submissions export (50,000)",
        "url": "/admin/pledge_forms/pledgesubmission/?export=csv",
        "admin": True,
        "needs_submissions": SUBMISSIONS_FOR_EXPORT,
    },
]
MEMORY_TARGET_MB = 200

# Targets of the issue, checked in the summary.
CACHED_TARGET = 0.70
UNCACHED_TARGET = 0.05
SHOWCASE_UNCACHED_TARGET = 0.03
POST_OVER_GET_P99 = 3.0
