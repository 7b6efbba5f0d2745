"""`/healthz/` tells a load balancer whether this app server can serve."""

from unittest import mock

import pytest
from django.db.utils import OperationalError

pytestmark = pytest.mark.django_db


def test_healthy_server_answers_200_with_every_check(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_database_answers_503_naming_it(client):
    def refused():
        raise OperationalError("connection refused")

    # The checks run in their own threads, with their own connections: replaced here.
    with mock.patch.dict("cms.health.CHECKS", database=refused):
        response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert "connection refused" not in response.content.decode()


def test_failing_storage_answers_503_naming_it(client):
    with mock.patch(
        "cms.health.default_storage.save", side_effect=OSError("disk full")
    ):
        response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]


def test_failing_cache_answers_503_naming_it(client):
    from django.core.cache.backends.locmem import LocMemCache

    with mock.patch.object(LocMemCache, "get", return_value=None):
        response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_storage_check_runs_against_s3(client, s3_storage):
    response = client.get("/healthz/")
    assert response.status_code == 200, response.content
    assert s3_storage.listdir("healthz")[1] == []


def test_post_is_refused_without_an_error_page(client):
    assert client.post("/healthz/").status_code == 405
