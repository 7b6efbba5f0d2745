"""Who sent a pledge behind proxies, and the rate limit every process shares.

The address rules are plain functions; the limit is checked against its two stores (a
database row by default, a cache alias such as Redis when the site names one) and against
their outages, which must never turn the form into an error page.
"""

import logging
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import timezone

from pledge_forms import services, views
from pledge_forms.models import RateCounter
from pledge_forms.services.abuse import rate_subject
from pledge_forms.services.clients import client_address, parse_address

PROXY = "10.0.0.2"


def meta(forwarded=None, remote=PROXY):
    values = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        values["HTTP_X_FORWARDED_FOR"] = forwarded
    return values


@pytest.mark.parametrize(
    ("proxy_count", "forwarded", "expected"),
    [
        # No trusted proxy: the header is the client's own words, never read.
        (0, "198.51.100.7", PROXY),
        (0, None, PROXY),
        # One proxy (nginx) appended the address it saw: the last entry.
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "203.0.113.66, 198.51.100.7", "198.51.100.7"),
        (1, "1.1.1.1, 2.2.2.2, 3.3.3.3, 198.51.100.7", "198.51.100.7"),
        # Two proxies (CDN, then the load balancer): the second entry from the right.
        (2, "198.51.100.7, 192.0.2.10", "198.51.100.7"),
        (2, "203.0.113.66, 198.51.100.7, 192.0.2.10", "198.51.100.7"),
        # Too short for the proxies said to be there: the peer, never a client entry.
        (1, None, PROXY),
        (1, "", PROXY),
        (1, "  ", PROXY),
        (2, "198.51.100.7", PROXY),
        (3, "203.0.113.66, 198.51.100.7", PROXY),
        # Garbage where the trusted proxy writes: the peer.
        (1, "198.51.100.7, not-an-address", PROXY),
        (1, "198.51.100.7, ", PROXY),
        (1, "198.51.100.7, 999.1.1.1", PROXY),
        (1, "unknown", PROXY),
        (1, "<script>alert(1)</script>", PROXY),
        (1, "198.51.100.7,,,", PROXY),
        # Garbage only on the client's side is ignored.
        (1, "<script>, drop table;, 198.51.100.7", "198.51.100.7"),
        # What proxies write: ports, IPv6, brackets, IPv4 mapped into IPv6, case.
        (1, "198.51.100.7:51234", "198.51.100.7"),
        (1, "2001:DB8:0:0::1", "2001:db8::1"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "::ffff:198.51.100.7", "198.51.100.7"),
        (2, "2001:db8::1, 2001:db8:ffff::2", "2001:db8::1"),
    ],
)
def test_the_client_is_read_from_the_right_behind_trusted_proxies(
    proxy_count, forwarded, expected
):
    assert client_address(meta(forwarded), proxy_count) == expected


def test_several_forwarded_lines_count_as_one_list():
    """gunicorn joins repeated X-Forwarded-For lines with commas, in order: a spoofed
    first line never moves the entry the proxy appended last."""
    joined = meta("203.0.113.66,198.51.100.7")
    assert client_address(joined, 1) == "198.51.100.7"


def test_without_any_usable_address_the_client_is_empty():
    assert client_address({}, 0) == ""
    assert client_address({"REMOTE_ADDR": "garbage"}, 1) == ""
    assert parse_address("[2001:db8::1") == "2001:db8::1"
    assert parse_address("[]") == ""
    assert parse_address(None) == ""


def test_the_view_reads_the_sites_proxy_count(settings):
    request = RequestFactory().post(
        "/pledge/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7"
    )
    settings.PROXY_COUNT = 0
    assert views.client_address(request) == PROXY
    settings.PROXY_COUNT = 1
    assert views.client_address(request) == "198.51.100.7"
    settings.PLEDGE_FORMS_PROXY_COUNT = 2  # the plugin's own setting comes first
    assert views.client_address(request) == "203.0.113.66"
    for mistake in (-1, "two", None):
        settings.PLEDGE_FORMS_PROXY_COUNT = mistake
        settings.PROXY_COUNT = mistake
        assert views.client_address(request) == PROXY


def test_one_ipv6_network_counts_as_one_client():
    assert rate_subject("2001:db8:1:2:aaaa::1") == rate_subject("2001:db8:1:2:bbbb::9")
    assert rate_subject("2001:db8:1:2::1") != rate_subject("2001:db8:1:3::1")
    assert rate_subject("198.51.100.7") == "198.51.100.7"


@pytest.mark.django_db
def test_the_limit_is_counted_in_one_database_row_per_client(settings):
    settings.PLEDGE_FORMS_RATE_CACHE = None
    settings.PLEDGE_FORMS_RATE_LIMIT = 3
    results = [services.rate_limited("198.51.100.7") for _ in range(5)]
    assert results == [False, False, False, True, True]
    assert not services.rate_limited("198.51.100.8")
    assert sorted(RateCounter.objects.values_list("count", flat=True)) == [1, 5]
    assert not RateCounter.objects.filter(key__contains="198.51").exists()
    # Another address of the same IPv6 /64 is the same client.
    settings.PLEDGE_FORMS_RATE_LIMIT = 1
    assert not services.rate_limited("2001:db8:1:2::1")
    assert services.rate_limited("2001:db8:1:2::99")


@pytest.mark.django_db
def test_a_pledge_is_counted_in_one_statement(settings, django_assert_num_queries):
    """The first pledge of a window and the next ones alike: the count costs the
    request one query."""
    settings.PLEDGE_FORMS_RATE_CACHE = None
    for _ in range(2):
        with django_assert_num_queries(1):
            services.rate_limited("198.51.100.7")
    assert RateCounter.objects.get().count == 2


@pytest.mark.django_db
def test_a_database_without_upserts_counts_exactly_too(settings, monkeypatch):
    """A site on a database that cannot add and answer in one statement (MySQL) still
    gets the limit, counted under the row's lock."""
    from django.db import connection

    monkeypatch.setattr(
        connection.features, "supports_update_conflicts_with_target", False
    )
    settings.PLEDGE_FORMS_RATE_CACHE = None
    settings.PLEDGE_FORMS_RATE_LIMIT = 2
    results = [services.rate_limited("198.51.100.7") for _ in range(3)]
    assert results == [False, False, True]
    assert RateCounter.objects.get().count == 3


@pytest.mark.django_db
def test_counters_of_windows_that_are_over_are_deleted_by_housekeeping(settings):
    from pledge_forms.housekeeping import run_housekeeping

    settings.PLEDGE_FORMS_RATE_CACHE = None
    RateCounter.objects.create(
        key="pledge_forms:rate:old:1", count=9, expires_at=timezone.now() - timedelta(1)
    )
    services.rate_limited("198.51.100.7")
    assert run_housekeeping()["counters_deleted"] == 1
    assert list(RateCounter.objects.values_list("count", flat=True)) == [1]


@pytest.mark.django_db
def test_a_database_outage_of_the_counter_lets_the_pledge_through(settings, caplog):
    from django.db import connection

    settings.PLEDGE_FORMS_RATE_CACHE = None
    settings.PLEDGE_FORMS_RATE_LIMIT = 1

    def down(execute, sql, params, many, context):
        if "ratecounter" in sql:
            raise OperationalError("could not connect to server")
        return execute(sql, params, many, context)

    with (
        connection.execute_wrapper(down),
        caplog.at_level(logging.WARNING, logger="pledge_forms.services.abuse"),
    ):
        assert not any(services.rate_limited("198.51.100.7") for _ in range(3))
    assert "rate limit unavailable" in caplog.text


@pytest.mark.django_db
def test_a_cache_store_counts_with_an_atomic_increment_and_fails_open(settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "counters": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "rate-limit-test",
        },
        "down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    settings.PLEDGE_FORMS_RATE_LIMIT = 1
    settings.PLEDGE_FORMS_RATE_CACHE = "counters"
    assert not services.rate_limited("198.51.100.7")
    assert services.rate_limited("198.51.100.7")
    assert not RateCounter.objects.exists()

    settings.PLEDGE_FORMS_RATE_CACHE = "down"
    with caplog.at_level(logging.WARNING, logger="pledge_forms.services.abuse"):
        assert not services.rate_limited("198.51.100.7")
        assert not services.rate_limited("198.51.100.7")
    assert "rate limit unavailable" in caplog.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_pledges_of_one_client_are_each_counted_once(settings):
    """Twenty pledges of one client at the same moment, each on its own connection (as
    from as many workers): exactly the limit gets through, the row counts all twenty."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    settings.PLEDGE_FORMS_RATE_CACHE = None
    settings.PLEDGE_FORMS_RATE_LIMIT = 5

    def pledge(_):
        try:
            return services.rate_limited("198.51.100.7")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(pledge, range(20)))
    assert results.count(False) == 5
    assert list(
        RateCounter.objects.filter(key__contains=":rate:").values_list(
            "count", flat=True
        )
    ) == [20]
