"""`flask users reset-password` prints a one-time link; `flask users deactivate` keeps the last active admin."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, PasswordReset, User
from tests.conftest import PASSWORD, AuthActions, csrf_token

NEW_PASSWORD = "violet kettle orbit lantern"
FULL_LINK = re.compile(r"^http://parley\.test(/auth/reset/[A-Za-z0-9_-]+)$", re.M)


def state() -> list[tuple]:
    """Every account's role and state, and the number of audit events and reset links."""
    db.session.expire_all()
    return [*db.session.execute(select(User.email, User.role, User.active, User.session_token).order_by(User.id)),
            db.session.scalar(select(func.count()).select_from(AuditEvent)),
            db.session.scalar(select(func.count()).select_from(PasswordReset))]


def test_reset_password_prints_a_full_link_that_works_once(app, runner, make_user):
    make_user("student", email="lena@example.org")
    result = runner.invoke(args=["users", "reset-password", "Lena@Example.org"])
    assert result.exit_code == 0, result.output
    path = FULL_LINK.search(result.output).group(1)
    assert re.search(r"For lena@example.org; it works once, until \d{4}-\d\d-\d\d \d\d:\d\d UTC", result.output)
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.actor_id) == ("reset-issue", None)

    client = app.test_client()
    token = csrf_token(client)
    assert client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                   "csrf_token": token}).status_code == 302
    assert AuthActions(app.test_client()).login("lena@example.org", NEW_PASSWORD).status_code == 302
    assert AuthActions(app.test_client()).login("lena@example.org", PASSWORD).status_code == 200
    assert client.get(path).status_code == 410


def test_reset_password_prints_a_path_when_the_site_address_is_unknown(make_app, make_user):
    make_user("student", email="lena@example.org")
    app = make_app(SERVER_NAME=None)
    result = app.test_cli_runner().invoke(args=["users", "reset-password", "lena@example.org"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^/auth/reset/[A-Za-z0-9_-]{40,}$", result.output, re.M)
    assert "Put the site's address in front of this path" in result.output
    assert "http" not in result.output.split("\n")[0]


def test_a_second_reset_link_replaces_the_first(app, runner, make_user):
    make_user("student", email="lena@example.org")
    first = FULL_LINK.search(runner.invoke(args=["users", "reset-password", "lena@example.org"]).output).group(1)
    second = FULL_LINK.search(runner.invoke(args=["users", "reset-password", "lena@example.org"]).output).group(1)
    client = app.test_client()
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_reset_password_for_an_unknown_email_fails_clearly(runner, make_user):
    before = state()
    result = runner.invoke(args=["users", "reset-password", "nobody@example.org"])
    assert result.exit_code != 0 and "no account has the email nobody@example.org" in result.output
    assert state() == before


def test_deactivate_refuses_the_last_active_admin(runner, make_user):
    make_user("admin", email="boss@example.org")
    inactive = make_user("admin", email="former@example.org")
    inactive.active = False
    make_user("instructor", email="teach@example.org")
    db.session.commit()
    before = state()
    result = runner.invoke(args=["users", "deactivate", "boss@example.org"])
    assert result.exit_code != 0
    assert "boss@example.org is the last active administrator" in result.output
    assert "Nothing was changed." in result.output
    assert state() == before


def test_deactivate_works_while_another_admin_remains_and_is_audited(runner, make_user):
    make_user("admin", email="boss@example.org")
    make_user("admin", email="deputy@example.org")
    result = runner.invoke(args=["users", "deactivate", "deputy@example.org"])
    assert result.exit_code == 0 and "deputy@example.org is deactivated, and signed out everywhere." in result.output
    assert runner.invoke(args=["users", "deactivate", "boss@example.org"]).exit_code != 0
    assert "already was deactivated" in runner.invoke(args=["users", "deactivate", "deputy@example.org"]).output
    assert runner.invoke(args=["users", "reactivate", "deputy@example.org"]).exit_code == 0
    events = db.session.execute(select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.subject)
                                .order_by(AuditEvent.id)).all()
    assert events == [("deactivate", None, "account deputy@example.org"),
                      ("reactivate", None, "account deputy@example.org")]


def test_command_line_changes_show_as_such_in_the_audit_log(client, auth, runner, make_user):
    make_user("admin", email="boss@example.org")
    make_user("student", email="lena@example.org")
    runner.invoke(args=["users", "deactivate", "lena@example.org"])
    assert auth.login("boss@example.org").status_code == 302
    page = client.get("/admin/people/audit", query_string={"action": "deactivate"}).get_data(as_text=True)
    assert "<td>command line</td>" in page and "account lena@example.org" in page
