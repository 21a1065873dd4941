"""In-app notifications: idempotent sending, mail after commit, only the recipient reads,
the unread count in the page shell, and the usual endpoint checks."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from jixiao.notifications import queries, services
from jixiao.notifications.models import Notification


def send(user, key="k1", **values):
    return services.notification_send(
        recipient=user, title=values.pop("title", "标题"), dedupe_key=key, **values
    )


# --- Sending -------------------------------------------------------------------------------


def test_send_is_idempotent_per_recipient_and_key(personas):
    first = send(personas.unit_a_operator)
    assert first is not None
    assert send(personas.unit_a_operator) is None
    assert send(personas.unit_b_operator) is not None  # same key, other person
    assert send(personas.unit_a_operator, key="k2") is not None
    assert Notification.objects.filter(recipient=personas.unit_a_operator).count() == 2


def test_mail_goes_out_after_commit(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        note = send(personas.unit_a_operator, body="正文", link="/periods/")
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.to == ["unit_a@example.org"]
    assert message.subject == "标题"
    assert message.body == "正文\n\n/periods/"
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_no_mail_when_asked_not_or_without_address(personas, django_capture_on_commit_callbacks):
    personas.unit_b_operator.email = ""
    personas.unit_b_operator.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        send(personas.unit_a_operator, email=False)
        send(personas.unit_b_operator)
        send(personas.unit_a_operator)  # a repeat sends no second mail either
    assert mail.outbox == []


def test_failed_mail_keeps_the_notification(
    personas, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(services, "send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        note = send(personas.unit_a_operator)
    note.refresh_from_db()
    assert note.emailed_at is None


# --- Reading -------------------------------------------------------------------------------


def test_only_the_recipient_marks_read(personas):
    note = send(personas.unit_a_operator)
    with pytest.raises(PermissionError):
        services.notification_mark_read(user=personas.unit_b_operator, notification=note)
    note.refresh_from_db()
    assert note.read_at is None
    services.notification_mark_read(user=personas.unit_a_operator, notification=note)
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_all_read_touches_only_own(personas):
    send(personas.unit_a_operator, key="a")
    send(personas.unit_a_operator, key="b")
    send(personas.unit_b_operator, key="a")
    assert services.notification_mark_all_read(user=personas.unit_a_operator) == 2
    assert queries.unread_count(personas.unit_a_operator) == 0
    assert queries.unread_count(personas.unit_b_operator) == 1


def test_unread_count_in_the_shell(client, personas):
    send(personas.unit_a_operator, key="a")
    send(personas.unit_a_operator, key="b")
    client.force_login(personas.unit_a_operator)
    assert 'data-testid="unread-count">2<' in client.get("/").content.decode()
    client.post("/notifications/read-all/")
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()


def test_list_shows_own_notifications_and_filters_unread(client, personas):
    read = send(personas.unit_a_operator, key="a", title="已读的消息")
    services.notification_mark_read(user=personas.unit_a_operator, notification=read)
    send(personas.unit_a_operator, key="b", title="未读的消息")
    send(personas.unit_b_operator, key="c", title="别人的消息")
    client.force_login(personas.unit_a_operator)
    body = client.get("/notifications/").content.decode()
    assert "已读的消息" in body and "未读的消息" in body
    assert "别人的消息" not in body
    unread = client.get("/notifications/", {"unread": "1"}).content.decode()
    assert "未读的消息" in unread and "已读的消息" not in unread


def test_read_page_marks_and_follows_the_link(client, personas):
    note = send(personas.unit_a_operator, link="/periods/")
    client.force_login(personas.unit_a_operator)
    response = client.post(f"/notifications/{note.pk}/read/")
    assert response.status_code == 302
    assert response["Location"] == "/periods/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_another_person_gets_404_reading(client, personas):
    note = send(personas.unit_a_operator)
    client.force_login(personas.unit_b_operator)
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_wrong_method_is_405(client, personas):
    note = send(personas.unit_a_operator)
    client.force_login(personas.unit_a_operator)
    assert client.get(f"/notifications/{note.pk}/read/").status_code == 405
    assert client.get("/notifications/read-all/").status_code == 405
    assert client.post("/notifications/").status_code == 405


def test_csrf_is_enforced(personas):
    note = send(personas.unit_a_operator)
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.unit_a_operator)
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 403
    assert client.post("/notifications/read-all/").status_code == 403
    note.refresh_from_db()
    assert note.read_at is None


def test_pages_need_login(client, personas):
    note = send(personas.unit_a_operator)
    for response in (
        client.get("/notifications/"),
        client.post(f"/notifications/{note.pk}/read/"),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("evil", ["//evil.example", "/\\evil.example", "https://evil.example/"])
def test_reading_never_redirects_to_another_site(client, personas, evil):
    from jixiao.notifications.services import notification_send

    note = notification_send(
        recipient=personas.unit_a_operator, title="t", link=evil, dedupe_key=f"x-{evil}"
    )
    client.force_login(personas.unit_a_operator)
    response = client.post(f"/notifications/{note.pk}/read/", {"next": evil})
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
