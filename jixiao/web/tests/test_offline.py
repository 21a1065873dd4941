"""No page loads anything from outside the server (offline government networks)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from jixiao.testing.factories import Personas

# Any attribute or CSS url() that points at another host: http://, https:// or //host.
EXTERNAL = re.compile(
    r"""(?:src|href|action|data-src|poster)\s*=\s*["']\s*(?:https?:)?//(?!testserver)"""
    r"""|url\(\s*["']?\s*(?:https?:)?//""",
    re.IGNORECASE,
)
STATIC_REF = re.compile(r"""(?:src|href)=["'](/static/[^"'?#]+)""")


def _pages(p: Personas) -> list[str]:
    return [
        "/",
        "/orgs/",
        f"/orgs/{p.unit_a.pk}/",
        "/orgs/people/",
        "/audit/",
        "/notifications/",
        "/periods/",
        "/api/docs",
        "/admin/",
        "/admin/orgs/organization/",
    ]


def _external_references(html: str) -> list[str]:
    return [html[max(0, m.start() - 40) : m.end() + 60] for m in EXTERNAL.finditer(html)]


@pytest.mark.django_db
def test_login_page_is_self_contained(client):
    html = client.get("/login/").content.decode()
    assert _external_references(html) == []
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html


@pytest.mark.django_db
def test_no_rendered_page_references_another_host(client, personas):
    users = [
        personas.unit_a_operator,
        personas.finance_reviewer,
        personas.audit_admin,
        personas.system_admin,
        personas.hr_officer,
        personas.leader,
    ]
    checked = 0
    for user in users:
        client.force_login(user)
        for url in _pages(personas):
            response = client.get(url, follow=True)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            assert _external_references(html) == [], (user.username, url)
            for ref in STATIC_REF.findall(html):
                assert client.get(ref).status_code == 200, (url, ref)
            checked += 1
    assert checked >= 20


def test_our_stylesheets_and_vendor_css_load_nothing_from_outside():
    for name in (
        "jixiao/jixiao.css",
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap-icons/bootstrap-icons.min.css",
    ):
        path = finders.find(name)
        assert path, name
        with open(path, encoding="utf-8") as handle:
            css = handle.read()
        assert not re.search(r"url\(\s*[\"']?\s*(?:https?:)?//", css), name
