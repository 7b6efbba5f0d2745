"""Every public page type renders, with the content visitors expect."""

import re

import pytest

pytestmark = pytest.mark.django_db


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_home_shows_purpose_focus_areas_call_to_pledge_news_and_featured_resources(
    client, campaign_site
):
    page = html(client, "/")
    assert campaign_site.home.intro in page
    for area in campaign_site.areas:
        assert f'href="{area.url}"' in page
    assert 'href="/pledge/"' in page
    assert campaign_site.posts[-1].title in page
    assert campaign_site.resources[0].title in page


def test_focus_area_lists_its_practices_in_order_with_stable_anchors(
    client, campaign_site
):
    page = html(client, campaign_site.use_of_force.url)
    anchors = re.findall(r'id="practice-(\d+)"', page)
    assert anchors == ["5", "6", "7", "8"]
    assert "UF-1" in page


def test_each_practice_lists_the_resources_that_support_it(client, campaign_site):
    page = html(client, campaign_site.use_of_force.url)
    practice_5 = page.split('id="practice-5"')[1].split('id="practice-6"')[0]
    assert campaign_site.resources[0].url in practice_5
    assert campaign_site.resources[1].url not in practice_5


def test_illustrative_practices_say_so(client, campaign_site):
    page = html(client, campaign_site.areas[5].url)
    assert "illustrative wording" in page
    bias_free = html(client, campaign_site.areas[0].url)
    assert "illustrative wording" not in bias_free


def test_a_resource_page_links_its_document_and_what_it_supports(client, campaign_site):
    resource = campaign_site.resources[0]
    page = html(client, resource.url)
    assert campaign_site.document.url in page
    assert "Download the document (PDF)" in page
    assert campaign_site.use_of_force.title in page
    assert "UF-1" in page


def test_a_resource_with_only_a_link_offers_the_link(client, campaign_site):
    resource = campaign_site.resources[1]
    page = html(client, resource.url)
    assert resource.external_url in page
    assert "Download the document" not in page


def test_news_index_lists_newest_first_and_the_post_shows_its_image(
    client, campaign_site
):
    page = html(client, "/news/")
    newest, older = campaign_site.posts[-1], campaign_site.posts[0]
    assert page.index(newest.title) < page.index(older.title)
    post = html(client, newest.url)
    assert newest.summary in post
    assert 'alt="Illustration: Listening session"' in post


def test_index_and_standard_pages_render(client, campaign_site):
    assert "Focus areas" in html(client, "/focus-areas/")
    assert "About" in html(client, "/about/")


def test_every_page_has_breadcrumbs_a_description_and_opengraph_tags(
    client, campaign_site
):
    page = html(client, campaign_site.resources[0].url)
    assert 'aria-label="Breadcrumb"' in page
    assert '<meta property="og:title" content="Resource 000">' in page
    assert (
        'property="og:url" content="http://testserver/resources/resource-000/"' in page
    )
    assert '<meta name="description"' in page


def test_social_image_becomes_the_opengraph_image(client, campaign_site):
    post = campaign_site.posts[0]
    page = html(client, post.url)
    assert re.search(
        r'<meta property="og:image" content="http://testserver/[^"]+\.png"', page
    )


def test_main_navigation_comes_from_show_in_menus(client, campaign_site):
    about = campaign_site.about
    about.show_in_menus = False
    about.save()
    page = html(client, "/")
    nav = page.split('aria-label="Main"')[1].split("</nav>")[0]
    assert 'href="/resources/"' in nav
    assert 'href="/about/"' not in nav


def test_user_text_is_escaped(client, campaign_site):
    resource = campaign_site.resources[0]
    resource.summary = "<script>alert(1)</script>"
    resource.save_revision().publish()
    page = html(client, resource.url)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_unpublished_pages_are_not_found(client, campaign_site):
    resource = campaign_site.resources[0]
    resource.unpublish()
    assert client.get(resource.url).status_code == 404
    assert client.get("/resources/no-such-resource/").status_code == 404


def test_home_figures_are_computed_from_published_pledges(client, campaign_site):
    from pledge_forms.choices import PracticeStatus
    from pledge_forms.testing.factories import PledgeFactory

    page = html(client, "/")
    assert "<strong>0</strong> agencies have pledged" in page
    in_place = {"status": PracticeStatus.IN_PLACE}
    statuses = {"BF-1": in_place, "UF-1": in_place, "LC-1": in_place}
    PledgeFactory.create_batch(2, live=True, statuses=statuses)
    PledgeFactory(live=False, statuses=statuses)  # not published: not counted
    page = html(client, "/")
    assert "<strong>2</strong> agencies have pledged" in page
    assert "<strong>6</strong> practices in place across members" in page


def test_restricted_pages_and_their_children_stay_private(client, campaign_site):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=campaign_site.resource_index,
        restriction_type=PageViewRestriction.PASSWORD,
        password="letmein",
    )
    for url in ["/resources/", campaign_site.resources[0].url]:
        page = html(client, url)
        assert 'name="password"' in page
        assert campaign_site.resources[0].summary not in page
    assert client.get("/news/").status_code == 200


def test_an_alias_follows_the_restrictions_of_its_source(client, campaign_site):
    from wagtail.models import PageViewRestriction

    source = campaign_site.about
    alias = source.create_alias(parent=campaign_site.home, update_slug="about-copy")
    PageViewRestriction.objects.create(
        page=source, restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get("/about-copy/")
    assert response.status_code == 302
    assert "/login" in response["Location"] or "/admin/login" in response["Location"]
    assert alias.alias_of_id == source.pk


def test_news_index_paginates(client, campaign_site):
    from campaign_pages.testing.factories import NewsPageFactory

    for n in range(10):
        NewsPageFactory(parent=campaign_site.news_index, title=f"Extra news {n:02d}")
    first = html(client, "/news/")
    assert first.count('<li class="usa-card">') == 10
    assert 'href="?page=2"' in first
    second = html(client, "/news/?page=2")
    assert second.count('<li class="usa-card">') == 3
    assert html(client, "/news/?page=abc").count('<li class="usa-card">') == 10


def test_a_news_post_cannot_take_the_feed_address(campaign_site):
    from django.core.exceptions import ValidationError

    post = campaign_site.posts[0]
    post.slug = "feed"
    with pytest.raises(ValidationError) as error:
        post.full_clean()
    assert "slug" in error.value.message_dict
