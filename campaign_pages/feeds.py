"""The RSS feed of the news index, served at /news/feed/."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _

from cms.public_address import absolute

FEED_ITEMS = 20


class NewsFeed(Feed):
    """The latest news posts as RSS 2.0; text is escaped by Django.

    Links are absolute on the public address: Django would otherwise put the request's
    Host header in front of a path."""

    feed_type = Rss201rev2Feed

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.index_page

    def title(self, obj):
        return obj.title

    def link(self, obj):
        return absolute(obj.get_url(request=self.request))

    def feed_url(self, obj):
        return absolute(self.request.path)

    def description(self, obj):
        return obj.search_description or obj.intro or _("Campaign news")

    def items(self, obj):
        return obj.get_posts()[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return absolute(item.get_url(request=self.request))

    def item_pubdate(self, item):
        return item.published_datetime

    def item_author_name(self, item):
        return item.author or None
