"""The OpenAPI document and the interactive docs, which must work on an offline network under
the site's Content-Security-Policy (script-src 'self', no inline scripts)."""

from __future__ import annotations

import json
import re

import pytest

API_PATHS = {
    "/api/orgs/",
    "/api/orgs/{org_id}",
    "/api/people/",
    "/api/people/{person_id}",
    "/api/me",
    "/api/tokens/",
    "/api/tokens/{token_id}/revoke",
}


def test_openapi_document_lists_the_paths(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    doc = json.loads(response.content)
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] == "绩效管理平台接口"
    assert set(doc["paths"]) >= API_PATHS
    assert set(doc["paths"]["/api/orgs/"]) == {"get"}
    schemes = doc["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["TokenAuth"].items()
    org = doc["components"]["schemas"]["OrgOut"]["properties"]
    assert {"kind", "kind_label", "parent_id"} <= set(org)
    person = doc["components"]["schemas"]["PersonOut"]["properties"]
    assert "password" not in person


def test_api_root_leads_to_the_docs(client, db):
    response = client.get("/api/")
    assert response.status_code == 302
    assert response["Location"] == "/api/docs"


def _docs(client):  # type: ignore[no-untyped-def]
    response = client.get("/api/docs")
    assert response.status_code == 200
    return response, response.content.decode()


def test_docs_page_loads_nothing_from_another_host(client, db):
    response, html = _docs(client)
    assert not re.search(r"(https?:)?//[a-z0-9.-]+", html, re.IGNORECASE), "external URL in page"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for tag in re.findall(r"<script\b[^>]*>", html):
        # Every script is a file from this server, or a JSON data block (never executed).
        assert re.search(r'src="/static/', tag) or 'type="application/json"' in tag, tag


def test_docs_page_assets_are_served(client, db):
    _, html = _docs(client)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("api/docs.js") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        response = client.get(asset)
        assert response.status_code == 200, asset
        response.close()


def test_docs_init_script_calls_no_other_host(client, db):
    response = client.get("/static/api/docs.js")
    body = b"".join(response.streaming_content).decode()
    assert "SwaggerUIBundle(" in body
    assert "http" not in body


def test_docs_settings_switch_off_the_online_validator(client, db):
    _, html = _docs(client)
    block = re.search(
        r'<script id="swagger-settings" type="application/json">(.*?)</script>', html, re.S
    )
    assert block is not None
    settings = json.loads(block.group(1))
    assert settings["url"] == "/api/openapi.json"
    assert settings["validatorUrl"] is None


@pytest.mark.browser
def test_docs_page_renders_offline_in_a_browser(browser_page, live_server):
    page = browser_page
    problems: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(live_server.url) or r.url.startswith("data:")
            else foreign.append(r.url)
        ),
    )
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector("text=绩效管理平台接口")
    page.wait_for_selector("text=/api/orgs/")
    assert foreign == []
    assert problems == []
