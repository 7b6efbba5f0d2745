"""The public member showcase: filters, member pages, badges, certificates, open data, API."""

import csv
import io
import json
from xml.etree import ElementTree

import pypdf
import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.utils import timezone

from pledge_forms import services
from pledge_forms.choices import PracticeStatus, ReviewStatus, Stage
from pledge_forms.models import Pledge
from pledge_forms.showcase.filters import ShowcaseFilterSet
from pledge_forms.showcase.management.commands.generate_members import generate_members
from pledge_forms.showcase.models import MemberShowcasePage
from pledge_forms.showcase.statistics import campaign_statistics
from pledge_forms.testing.factories import PledgeFactory
from tests.pledge_forms.showcase.showcase_helpers import (
    pagination,
    published_member,
    showcase_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(checklist):
    return showcase_page()


def names(response):
    return [m.name for m in response.context["members"]]


def test_the_showcase_lists_only_published_listed_members(client, page):
    published_member(display_name="Alderbrook Police Department")
    PledgeFactory(display_name="Draft Only Police", live=False)
    published_member(display_name="Unlisted Police", consent_listed=False)
    declined = published_member(display_name="Declined Police")
    services.decline(declined, "Could not be confirmed.")

    response = client.get("/members/")

    assert response.status_code == 200
    assert names(response) == ["Alderbrook Police Department"]
    assert b"Draft Only Police" not in response.content
    assert b"Declined Police" not in response.content
    assert b"Unlisted Police" not in response.content


def test_each_filter_narrows_the_list_and_filters_combine(client, page):
    published_member(display_name="Oregon City PD", country="US", region="US-OR")
    published_member(
        display_name="Texas Sheriff",
        country="US",
        region="US-TX",
        agency_type="sheriff",
        size_band="101-250",
    )
    published_member(
        display_name="Texas Campus",
        country="US",
        region="US-TX",
        agency_type="campus",
        stage=Stage.COMPLETED,
    )
    published_member(display_name="Halifax Police", country="CA", region="CA-NS")

    assert names(client.get("/members/?country=CA")) == ["Halifax Police"]
    assert names(client.get("/members/?region=US-TX")) == [
        "Texas Campus",
        "Texas Sheriff",
    ]
    assert names(client.get("/members/?agency_type=sheriff")) == ["Texas Sheriff"]
    assert names(client.get("/members/?size_band=101-250")) == ["Texas Sheriff"]
    assert names(client.get("/members/?stage=completed")) == ["Texas Campus"]
    assert names(client.get("/members/?q=texas")) == ["Texas Campus", "Texas Sheriff"]
    assert names(client.get("/members/?region=US-TX&agency_type=campus")) == [
        "Texas Campus"
    ]
    assert names(client.get("/members/?country=US&q=city&stage=pledged")) == [
        "Oregon City PD"
    ]
    response = client.get("/members/?country=CA")
    assert b"1 member found" in response.content


def test_sorting_by_newest_puts_the_latest_pledge_first(client, page):
    import datetime

    from django.utils import timezone

    now = timezone.now()
    published_member(display_name="Aaa", pledged_at=now - datetime.timedelta(days=9))
    published_member(display_name="Zzz", pledged_at=now)

    assert names(client.get("/members/")) == ["Aaa", "Zzz"]
    assert names(client.get("/members/?sort=newest")) == ["Zzz", "Aaa"]


def test_page_links_keep_the_filters(client, page):
    for index in range(8):
        published_member(display_name=f"Member {index:02d}", country="CA", region="")
    MemberShowcasePage.objects.filter(pk=page.pk).update(per_page=6)

    response = client.get("/members/?country=CA&sort=newest")

    assert len(response.context["members"]) == 6
    assert response.context["next_url"] == "?country=CA&sort=newest&page=2"
    second = client.get("/members/" + response.context["next_url"])
    assert len(second.context["members"]) == 2
    assert second.context["previous_url"] == "?country=CA&sort=newest"


@pytest.mark.parametrize(
    "query",
    [
        "country=ZZ",
        "country=<script>",
        "region=US-XX",
        "agency_type=robots",
        "size_band=huge",
        "stage=%00",
        "sort=random",
        "page=abc",
        "q=" + "x" * 500,
        "country=US&country=CA",
    ],
)
def test_malformed_filters_are_explained_not_an_error(client, page, query):
    published_member(display_name="Still Listed")

    response = client.get("/members/?" + query)

    if "%00" in query:
        # The plugin alone explains it in a notice (200); a site that refuses NUL in
        # every query string (the campaign site's middleware) answers 400 first.
        assert response.status_code in (200, 400)
    else:
        assert response.status_code == 200
    assert b"<script>" not in response.content


def test_an_unknown_filter_value_is_ignored_with_a_notice(client, page):
    published_member(display_name="Still Listed")

    response = client.get("/members/?agency_type=robots")

    assert names(response) == ["Still Listed"]
    assert b"The agency type filter was not recognised." in response.content


def test_the_filter_form_shows_back_the_filters_in_force(client, page):
    published_member(display_name="Oregon City PD", country="US", region="US-OR")

    html = client.get("/members/?country=us&q=++city++&sort=newest").content.decode()

    assert '<option value="US" selected>United States</option>' in html
    assert '<option value="US-OR">Oregon (United States)</option>' in html
    assert '<option value="newest" selected>Newest first</option>' in html
    assert 'name="q" value="  city  "' in html
    assert "Oregon City PD" in html


def test_a_value_left_out_is_tied_to_its_control_by_the_notice(client, page):
    published_member(display_name="Still Listed")

    html = client.get("/members/?stage=robots").content.decode()

    assert 'aria-invalid="true" aria-describedby="filter-stage_error"' in html
    assert (
        '<li id="filter-stage_error">The stage filter was not recognised.</li>' in html
    )


def test_a_country_without_members_gives_an_empty_list_not_a_notice(client, page):
    published_member(display_name="Still Listed", country="US", region="US-OR")

    response = client.get("/members/?country=FR")

    assert names(response) == []
    assert b"not recognised" not in response.content
    assert client.get("/api/v2/members/?country=FR").status_code == 200


def test_long_lists_of_pages_are_elided_around_the_current_page(client, page):
    PledgeFactory.create_batch(
        43, live=True, review_status="approved", consent_listed=True, country="CA"
    )
    MemberShowcasePage.objects.filter(pk=page.pk).update(per_page=6)

    response = client.get("/members/?country=CA&page=2")

    numbers = [number for number, _url, _current in response.context["page_links"]]
    assert numbers == [1, 2, 3, 4, "…", 8]
    nav = pagination(response)
    links = [(text, a.get("href"), a.get("aria-current")) for a, text in nav["links"]]
    assert links == [
        ("Previous", "?country=CA", None),
        ("1", "?country=CA", None),
        ("2", "?country=CA&page=2", "page"),
        ("3", "?country=CA&page=3", None),
        ("4", "?country=CA&page=4", None),
        ("8", "?country=CA&page=8", None),
        ("Next", "?country=CA&page=3", None),
    ]
    assert nav["gaps"] == ["…"]  # a gap, not a link


def test_a_page_beyond_the_last_is_not_found(client, page):
    published_member()
    assert client.get("/members/?page=99").status_code == 404


def test_the_filters_keep_valid_values_only():
    filters = ShowcaseFilterSet(
        {"q": " pd ", "country": "us", "region": "US-CA", "stage": "nope"}
    )
    assert filters.applied == {"q": "pd", "country": "US", "region": "US-CA"}
    # The links name the parameters in the same order as they always did.
    assert list(filters.query_params(sort="newest").items()) == [
        ("country", "US"),
        ("region", "US-CA"),
        ("q", "pd"),
        ("sort", "newest"),
    ]
    assert filters.notices == ["The stage filter was not recognised."]


# --- Member page ------------------------------------------------------------------------


def test_a_member_page_shows_the_public_profile_and_progress(client, page, checklist):
    codes = list(
        checklist.sections.first()
        .items.order_by("number")
        .values_list("code", flat=True)
    )
    pledge = published_member(
        display_name="Kestrelford Police Department",
        city="Kestrelford",
        public_statement="Trust is earned every day.",
        statuses={
            codes[0]: {"status": PracticeStatus.IN_PLACE, "note": ""},
            codes[1]: {"status": PracticeStatus.IN_PROGRESS, "note": ""},
        },
    )

    response = client.get(f"/members/{pledge.slug}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kestrelford Police Department" in html
    assert "Kestrelford, Oregon, United States" in html
    assert "Trust is earned every day." in html
    first_area = response.context["progress"][0]
    assert first_area.counts[PracticeStatus.IN_PLACE] == 1
    assert first_area.counts[PracticeStatus.IN_PROGRESS] == 1
    assert '/focus-areas/bias-free-policing/#practice-1"' in html
    assert f"{page.full_url}{pledge.slug}/badge.svg" in html
    assert f"&lt;a href=&quot;{page.full_url}{pledge.slug}/" in html  # the embed code


def test_fields_without_consent_stay_off_the_member_page(client, page):
    pledge = published_member(
        display_name="Private Town PD",
        city="Hiddenville",
        website="https://hidden.example",
        public_statement="Secret words",
        chief_name="Dana Hidden",
        consent_show_city=False,
        consent_show_website=False,
        consent_show_statement=False,
        consent_show_chief=False,
        consent_show_practices=False,
    )
    html = client.get(f"/members/{pledge.slug}/").content.decode()
    for hidden in ("Hiddenville", "hidden.example", "Secret words", "Dana Hidden"):
        assert hidden not in html
    assert "chosen not to publish its progress" in html


def test_the_chief_is_shown_only_with_consent(client, page):
    pledge = published_member(chief_name="Robin Shown", consent_show_chief=True)
    assert b"Robin Shown" in client.get(f"/members/{pledge.slug}/").content


@pytest.mark.parametrize(
    "suffix", ["", "badge.svg", "certificate.pdf"], ids=["page", "badge", "certificate"]
)
def test_unpublished_unknown_declined_and_unlisted_members_are_not_found(
    client, page, suffix
):
    draft = PledgeFactory(live=False, stage=Stage.COMPLETED)
    unlisted = published_member(consent_listed=False, stage=Stage.COMPLETED)
    declined = published_member(stage=Stage.COMPLETED)
    declined.verified_at = declined.approved_at = declined.pledged_at
    declined.save()
    services.decline(declined, "Not a police agency.")
    unpublished = published_member(stage=Stage.COMPLETED)
    unpublished.unpublish()

    for slug in (draft.slug, unlisted.slug, declined.slug, unpublished.slug, "nobody"):
        assert client.get(f"/members/{slug}/{suffix}").status_code == 404


def test_draft_changes_stay_invisible_until_published(client, page):
    pledge = published_member(display_name="Before Update PD", public_statement="Old")
    draft = pledge.get_latest_revision_as_object()
    draft.display_name = "After Update PD"
    draft.public_statement = "New statement"
    revision = draft.save_revision()

    for url in ("/members/", f"/members/{pledge.slug}/", "/members/data.csv"):
        body = b"".join(client.get(url)).decode() if url.endswith("csv") else None
        body = body or client.get(url).content.decode()
        assert "After Update PD" not in body and "New statement" not in body
    assert b"Before Update PD" in client.get(f"/members/{pledge.slug}/").content

    revision.publish()
    assert b"After Update PD" in client.get(f"/members/{pledge.slug}/").content


# --- Badge and certificate ----------------------------------------------------------------


def test_the_badge_is_valid_svg_linking_back_to_the_member(client, page):
    pledge = published_member(display_name="Badge & <Sons> PD")

    response = client.get(f"/members/{pledge.slug}/badge.svg")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "max-age" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    link = root.find("{http://www.w3.org/2000/svg}a")
    assert link.get("href") == f"{page.full_url}{pledge.slug}/"
    title = root.find("{http://www.w3.org/2000/svg}title").text
    assert "Badge & <Sons> PD has pledged" in title
    assert b"Pledged" in response.content


def test_a_completed_member_gets_the_completed_badge(client, page):
    pledge = published_member(stage=Stage.COMPLETED)
    content = client.get(f"/members/{pledge.slug}/badge.svg").content
    assert b"Completed" in content and b"has completed" in content


def test_the_certificate_is_a_pdf_with_the_name_date_and_verification_url(client, page):
    import datetime

    from django.utils import timezone

    pledge = published_member(
        display_name="Wexleymoor Police Department",
        stage=Stage.COMPLETED,
        completed_at=timezone.make_aware(datetime.datetime(2026, 3, 14, 12)),
    )

    response = client.get(f"/members/{pledge.slug}/certificate.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Wexleymoor Police Department" in text
    assert "March 14, 2026" in text or "14 March 2026" in text
    assert f"{page.full_url}{pledge.slug}/" in text
    member_page = client.get(f"/members/{pledge.slug}/").content.decode()
    assert f"/members/{pledge.slug}/certificate.pdf" in member_page


def test_a_member_still_pledged_has_no_certificate(client, page):
    pledge = published_member(stage=Stage.PLEDGED)
    assert client.get(f"/members/{pledge.slug}/certificate.pdf").status_code == 404
    assert b"certificate.pdf" not in client.get(f"/members/{pledge.slug}/").content


# --- Open data and API -------------------------------------------------------------------


def test_the_csv_has_documented_columns_in_a_stable_order_and_no_formulas(client, page):
    first = published_member(display_name="=HYPERLINK(1)", public_statement="+1+1")
    second = published_member(display_name="Second PD")
    PledgeFactory(display_name="Not Public PD")

    response = client.get("/members/data.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "max-age" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(b"".join(response).decode())))
    header = rows[0]
    assert header[:4] == ["id", "slug", "name", "agency_type"]
    assert "practice:BF-1" in header
    assert "chief_email" not in header and "decline_reason" not in header
    assert [row[0] for row in rows[1:]] == [str(first.pk), str(second.pk)]
    assert rows[1][2] == "'=HYPERLINK(1)"
    assert rows[1][header.index("statement")] == "'+1+1"


def test_the_json_lists_the_same_members_with_public_fields(client, page):
    pledge = published_member(display_name="Json PD", consent_show_city=False)
    PledgeFactory(display_name="Not Public PD")

    response = client.get("/members/data.json")

    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"]
    data = json.loads(b"".join(response))
    assert [m["slug"] for m in data["members"]] == [pledge.slug]
    member = data["members"][0]
    assert member["name"] == "Json PD" and member["city"] == ""
    assert list(member) == data["columns"]


def test_the_api_lists_members_with_public_fields_only(client, page):
    pledge = published_member(display_name="Api PD", country="CA", region="CA-NS")
    published_member(display_name="Other PD")
    PledgeFactory(display_name="Not Public PD")

    response = client.get("/api/v2/members/?country=CA")

    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["total_count"] == 1
    item = data["items"][0]
    assert item["name"] == "Api PD" and item["id"] == pledge.pk
    assert "chief_email" not in item and "chief_phone" not in item
    detail = client.get(f"/api/v2/members/{pledge.pk}/")
    assert detail.json()["slug"] == pledge.slug
    hidden = PledgeFactory()
    assert client.get(f"/api/v2/members/{hidden.pk}/").status_code == 404
    assert client.get("/api/v2/members/?chief_email=x").status_code == 400
    assert client.get("/api/v2/members/?country=<b>").status_code == 400
    huge = client.get("/api/v2/members/?offset=99999999999999999999999999")
    assert huge.status_code == 400 and "offset" in huge.json()["message"]
    assert client.get("/api/v2/pages/").status_code == 200


# --- Statistics and map --------------------------------------------------------------------


def test_statistics_count_published_members_by_stage_and_adoption(checklist):
    codes = list(
        checklist.sections.order_by("sort_order")
        .first()
        .items.order_by("number")
        .values_list("code", flat=True)
    )
    all_in_place = {code: {"status": "in_place"} for code in codes}
    published_member(stage=Stage.COMPLETED, statuses=all_in_place)
    published_member(statuses={codes[0]: {"status": "in_progress"}})
    PledgeFactory(statuses=all_in_place)  # not published

    stats = campaign_statistics(checklist)

    assert (stats.members, stats.pledged, stats.completed) == (2, 1, 1)
    first_area = stats.focus_areas[0]
    assert first_area.total == 2 * len(codes)
    assert first_area.in_place == len(codes)
    assert first_area.in_progress == 1
    assert stats.practices[0].in_place_percent == 50.0
    assert sum(p.pledged for p in stats.periods) == 2


def test_the_statistics_page_draws_charts_with_tables(client, page):
    published_member()
    response = client.get("/members/statistics/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="pf-chart ') == 4  # bars in HTML, columns in SVG
    assert html.count("<table") >= 4


def test_the_map_shades_states_and_links_to_the_filtered_list(client, page):
    published_member(country="US", region="US-TX")
    published_member(country="US", region="US-TX")
    published_member(country="CA", region="CA-NS")

    html = client.get("/members/map/").content.decode()

    assert 'href="/members/?region=US-TX" aria-label="TX 2: Texas, 2 members"' in html
    assert 'href="/members/?country=CA"' in html
    assert "Members by country" in html


# --- Query budgets ----------------------------------------------------------------------


def _queries(client, url):
    """Queries of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


def test_public_pages_run_the_same_number_of_queries_for_10_and_1000_members(
    client, page, monkeypatch
):
    from pledge_forms.showcase import figures

    # Figures computed afresh on every request: the worst case.
    monkeypatch.setattr(figures, "FIGURES_CACHE_SECONDS", 0)
    generate_members(10, seed=1)
    slug = Pledge.objects.filter(live=True, consent_listed=True).first().slug
    urls = [
        "/members/",
        "/members/?country=US&sort=newest",
        f"/members/{slug}/",
        "/members/map/",
        "/members/statistics/",
    ]
    client.get("/members/")  # the first request of a site creates its settings row
    for url in urls:  # a site may remember what does not depend on members (its routes)
        client.get(url)
    few = {url: _queries(client, url) for url in urls}
    generate_members(990, seed=2)
    many = {url: _queries(client, url) for url in urls}

    assert few == many
    # One of them is Wagtail's lookup of the active language's Locale (its routing).
    assert max(many.values()) <= 13, many
    # The member page drew its progress over time (generated members have a history).
    assert client.get(f"/members/{slug}/").context["timeline"]


# --- Curation, home page, demo and generated data ------------------------------------------


def test_featured_members_come_first_in_the_editors_order(client, page):
    published_member(display_name="Second Featured", featured=True, featured_order=2)
    published_member(display_name="First Featured", featured=True, featured_order=1)
    published_member(display_name="Not Featured")

    featured = client.get("/members/").context["featured"]

    assert [m.name for m in featured] == ["First Featured", "Second Featured"]


def test_the_home_page_tags_show_what_editors_chose(page):
    published_member(display_name="Featured PD", featured=True)
    published_member(display_name="Plain PD")
    template = Template(
        "{% load pledge_showcase_tags %}{% campaign_statistics as stats %}"
        "{{ stats.members }} members. {% showcase_home %}"
    )

    html = template.render(Context({}))

    assert html.startswith("2 members.")
    assert "Featured PD" in html and "Plain PD" not in html
    MemberShowcasePage.objects.filter(pk=page.pk).update(home_display="recent")
    html = template.render(Context({}))
    assert "Plain PD" in html


def test_ensure_showcase_page_is_idempotent(page):
    again = showcase_page()
    assert again.pk == page.pk and page.live and page.url == "/members/"


def test_generate_members_makes_every_state_with_live_revisions(checklist, capsys):
    call_command("generate_members", count=300, seed=3)

    pledges = Pledge.objects.all()
    assert pledges.count() == 300
    assert {s.value for s in ReviewStatus} == set(
        pledges.values_list("review_status", flat=True)
    )
    live = pledges.filter(live=True)
    assert live.filter(stage=Stage.COMPLETED).exists()
    assert live.filter(live_revision__isnull=True).count() == 0
    assert pledges.filter(latest_revision__isnull=True).count() == 0
    assert not pledges.filter(live=True, review_status=ReviewStatus.DECLINED).exists()
    assert pledges.values("country").distinct().count() >= 4
    assert pledges.values("region").distinct().count() >= 20
    sample = live.first()
    assert sample.live_revision.as_object().display_name == sample.display_name
    assert "300 members generated" in capsys.readouterr().out
    # No moment of a generated member lies ahead (they would date the sitemap ahead too).
    now = timezone.now()
    for moment in [
        "pledged_at",
        "verified_at",
        "approved_at",
        "declined_at",
        "completed_at",
        "first_published_at",
        "last_published_at",
    ]:
        assert not pledges.filter(**{f"{moment}__gt": now}).exists(), moment


def test_publishing_and_unpublishing_update_the_statistics_at_once(client, page):
    published_member()
    assert client.get("/members/statistics/").context["stats"].members == 1

    second = published_member()
    assert client.get("/members/statistics/").context["stats"].members == 2

    second.unpublish()
    assert client.get("/members/statistics/").context["stats"].members == 1


def test_the_sitemap_lists_listed_members_only(client, page):
    listed = published_member()
    unlisted = published_member(consent_listed=False)
    draft = PledgeFactory()

    xml = client.get("/sitemap.xml").content.decode()

    assert f"{page.full_url}{listed.slug}/" in xml
    assert f"/{unlisted.slug}/" not in xml and f"/{draft.slug}/" not in xml


def test_the_demo_fills_the_showcase_once(page):
    from pledge_forms.showcase.demo import ensure_members

    assert ensure_members(40) == 40
    assert ensure_members(40) == 0
    assert Pledge.objects.filter(live=True).count() > 20
