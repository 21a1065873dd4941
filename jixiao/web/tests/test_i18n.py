"""Chinese first, English through Django i18n: the switcher, English pages, and a complete,
compiled English catalogue."""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from jixiao.audit.models import AuditEvent
from jixiao.orgs.models import Role
from jixiao.testing.factories import Personas

MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _default_language_afterwards() -> Iterator[None]:
    """LocaleMiddleware activates the request's language in this thread; do not let English
    leak into the tests that run after these."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _choose(client, language: str, next_url: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url


# --- Pages ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    html = client.get("/login/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "用户名" in html
    assert "Username" not in html
    assert 'action="/i18n/setlang/"' in html


@pytest.mark.django_db
def test_login_page_in_english_after_choosing_english_and_back(client):
    _choose(client, "en", "/login/?next=/orgs/")
    html = client.get("/login/?next=/orgs/").content.decode()
    assert '<html lang="en">' in html
    for text in ("Sign in", "Username", "Password", "Performance Management Platform"):
        assert text in html
    assert "用户名" not in html
    assert "wrong passwords in a row" in html  # a blocktranslate with placeholders

    _choose(client, "zh-hans", "/login/")
    assert "用户名" in client.get("/login/").content.decode()


@pytest.mark.django_db
def test_switcher_offers_both_languages_and_marks_the_current_one(client):
    html = client.get("/login/").content.decode()
    assert re.search(r'value="zh-hans"[^>]*aria-pressed="true"[^>]*>中文<', html)
    assert re.search(r'value="en"[^>]*aria-pressed="false"[^>]*>EN<', html)
    assert '<input type="hidden" name="next" value="/login/">' in html


@pytest.mark.django_db
def test_switcher_needs_no_inline_script(client, personas: Personas):
    client.force_login(personas.unit_a_operator)
    for url in ("/login/", "/"):
        html = client.get(url).content.decode()
        assert all("src=" in tag for tag in SCRIPT_TAG.findall(html)), url


@pytest.mark.django_db
def test_home_in_english_shows_the_english_menu_and_role(client, personas: Personas):
    client.force_login(personas.unit_a_operator)
    _choose(client, "en", "/")
    html = client.get("/").content.decode()
    for text in (
        "Home",
        "Organisations",
        "Periods and deadlines",
        "Workbench",
        "System administration",
        "Unit operator",
        "Sign out",
    ):
        assert text in html, text
    for chinese in ("首页", "组织机构", "系统管理", "单位填报人员"):
        assert chinese not in html, chinese


@pytest.mark.django_db
def test_home_in_chinese_by_default(client, personas: Personas):
    client.force_login(personas.unit_a_operator)
    html = client.get("/").content.decode()
    for text in ("首页", "组织机构", "期间与截止", "工作台", "系统管理", "单位填报人员"):
        assert text in html, text
    assert "Organisations" not in html


@pytest.mark.django_db
def test_english_labels_of_models_and_forms(client, personas: Personas):
    client.force_login(personas.finance_reviewer)
    _choose(client, "en", "/orgs/")
    html = client.get("/orgs/").content.decode()
    assert "Finance bureau" in html
    assert "Supervising department" in html
    assert "Budget unit" in html


@pytest.mark.django_db
def test_api_labels_are_chinese_unless_the_caller_asks_for_english(client, personas: Personas):
    client.force_login(personas.unit_a_operator)
    url = f"/api/orgs/{personas.unit_a.pk}"
    assert client.get(url).json()["kind_label"] == "预算单位"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["kind_label"] == "Budget unit"
    me = client.get("/api/me", HTTP_ACCEPT_LANGUAGE="en").json()
    assert me["roles"][0]["role_label"] == "Unit operator"


@pytest.mark.django_db
def test_audit_trail_is_written_in_chinese_whatever_the_actor_reads(client, personas: Personas):
    client.force_login(personas.security_admin)
    _choose(client, "en", "/")
    person = personas.unit_b_operator
    response = client.post(
        f"/orgs/people/{person.pk}/roles/",
        {"role": Role.LEADER, "organization": personas.unit_b.pk},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_type="orgs.roleassignment").latest("id")
    assert "领导" in event.object_repr
    assert "Leader" not in event.object_repr


# --- The catalogue --------------------------------------------------------------------------


def _unquote(lines: list[str]) -> str:
    text = "".join(re.fullmatch(r'"(.*)"', line.strip()).group(1) for line in lines)  # type: ignore[union-attr]
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def _po_entries() -> list[dict[str, object]]:
    """msgctxt, msgid, msgstr and flags of every entry of the English .po (no plural forms are
    used)."""
    entries = []
    for block in (MESSAGES / "django.po").read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        flags = {f.strip() for line in lines if line.startswith("#,") for f in line[2:].split(",")}
        fields: dict[str, list[str]] = {}
        current = None
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r"(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt) (.*)", line)
            if match:
                current = match.group(1)
                fields[current] = [match.group(2)]
            elif current:
                fields[current].append(line)
        if "msgid" in fields:
            entries.append(
                {
                    "msgctxt": _unquote(fields["msgctxt"]) if "msgctxt" in fields else None,
                    "msgid": _unquote(fields["msgid"]),
                    "msgstr": _unquote(fields.get("msgstr", ['""'])),
                    "flags": flags,
                    "plural": "msgid_plural" in fields,
                }
            )
    return entries


def _messages() -> list[dict[str, object]]:
    return [e for e in _po_entries() if e["msgid"]]


def test_po_has_no_fuzzy_or_untranslated_entries():
    entries = _po_entries()
    assert len(_messages()) > 200
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
    assert [e["msgid"] for e in _messages() if not e["msgstr"]] == []
    assert [e["msgid"] for e in entries if e["plural"]] == []  # would need msgstr[n] checks


def test_translations_keep_their_placeholders():
    wrong = [
        e["msgid"]
        for e in _messages()
        if sorted(PLACEHOLDER.findall(str(e["msgid"])))
        != sorted(PLACEHOLDER.findall(str(e["msgstr"])))
    ]
    assert wrong == []


def test_translations_use_the_glossary_names():
    english = {e["msgid"]: e["msgstr"] for e in _messages() if e["msgctxt"] is None}
    assert english["财政局"] == "Finance bureau"
    assert english["主管部门"] == "Supervising department"
    assert english["预算单位"] == "Budget unit"
    assert english["指标模板"] == "Indicator templates"
    assert english["期间与截止"] == "Periods and deadlines"
    assert english["审计日志"] == "Audit trail"


def _compiled_text(compiled: gettext.GNUTranslations, entry: dict[str, object]) -> str:
    if entry["msgctxt"] is None:  # "定稿" (Final) and, in context "verb", 定稿 (Finalise)
        return compiled.gettext(str(entry["msgid"]))
    return compiled.pgettext(str(entry["msgctxt"]), str(entry["msgid"]))


def test_mo_is_compiled_from_the_current_po():
    """The .mo is committed (a server may have no gettext); it must say what the .po says."""
    with (MESSAGES / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = [e["msgid"] for e in _messages() if _compiled_text(compiled, e) != e["msgstr"]]
    assert stale == [], "run: python manage.py compilemessages --ignore=.venv --ignore=node_modules"
