"""Editors reach the Wagtail admin through its own login form."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return get_user_model().objects.create_superuser(
        username="editor", email="editor@example.org", password="correct horse battery"
    )


def test_the_admin_login_page_renders_a_labelled_form(client):
    response = client.get(reverse("wagtailadmin_login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<form" in html
    assert 'for="id_username"' in html
    assert 'for="id_password"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_dashboard_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_an_admin_signs_in_through_the_login_form(editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    login_url = reverse("wagtailadmin_login")
    client.get(login_url)
    token = client.cookies["csrftoken"].value
    response = client.post(
        login_url,
        {
            "username": "editor",
            "password": "correct horse battery",
            "csrfmiddlewaretoken": token,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert response.context["user"].username == "editor"


def test_a_wrong_password_is_refused_with_a_message(client, editor):
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": "editor", "password": "wrong"},
    )
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert response.context["form"].non_field_errors()
