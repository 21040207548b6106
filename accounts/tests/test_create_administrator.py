"""manage.py create_administrator: the first administrator of a deployment, never a superuser."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, User

pytestmark = pytest.mark.django_db

GOOD = "a-long-unguessable-passphrase-7"


def create(*args, **kwargs):
    out = io.StringIO()
    call_command("create_administrator", *args, stdout=out, **kwargs)
    return out.getvalue()


def test_creates_an_ordinary_account_with_the_administrator_role_who_can_sign_in(client, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", GOOD)
    output = create("Ada.Lovelace@Example.org", "--name", "  Ada   King Lovelace ")
    user = User.objects.get()
    assert (user.email, user.first_name, user.last_name) == (
        "ada.lovelace@example.org",
        "Ada",
        "King Lovelace",
    )
    assert user.role == Role.ADMINISTRATOR
    assert user.is_staff is True and user.is_superuser is False and user.is_active is True
    assert "Created the administrator Ada King Lovelace <ada.lovelace@example.org>" in output
    response = client.post(
        "/accounts/sign-in/", {"username": "ada.lovelace@example.org", "password": GOOD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert response.wsgi_request.user == user


def test_refuses_an_email_that_has_an_account_and_changes_nothing(monkeypatch, inspector):
    monkeypatch.setenv("ADMIN_PASSWORD", GOOD)
    with pytest.raises(CommandError, match="exists already: nothing was changed"):
        create(inspector.email.upper(), "--name", "Someone Else")
    inspector.refresh_from_db()
    assert inspector.role == Role.INSPECTOR and not inspector.is_staff
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "password, message",
    [
        ("short", "too short"),
        ("password1234", "too common"),
        ("483920175648", "entirely numeric"),
        ("ada.lovelace@example", "too similar"),
    ],
)
def test_the_password_must_pass_django_s_validators(monkeypatch, password, message):
    monkeypatch.setenv("ADMIN_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        create("ada.lovelace@example.org", "--name", "Ada Lovelace")
    assert not User.objects.exists()


def test_refuses_a_malformed_email_or_an_empty_name(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", GOOD)
    with pytest.raises(CommandError, match="is not an email address"):
        create("not-an-address", "--name", "Ada Lovelace")
    with pytest.raises(CommandError, match="full name"):
        create("ada@example.org", "--name", "   ")
    assert not User.objects.exists()


def test_the_password_is_never_an_argument():
    with pytest.raises(CommandError):
        create("ada@example.org", "--name", "Ada Lovelace", "--password", GOOD)
    assert not User.objects.exists()


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_without_the_variable_it_asks_twice_at_a_terminal(monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", FakeTerminal())
    typed = iter([GOOD, GOOD])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    create("ada@example.org", "--name", "Ada Lovelace")
    assert User.objects.get().check_password(GOOD)


def test_two_different_passwords_at_the_terminal_create_nothing(monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", FakeTerminal())
    typed = iter([GOOD, GOOD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    with pytest.raises(CommandError, match="differ"):
        create("ada@example.org", "--name", "Ada Lovelace")
    assert not User.objects.exists()


def test_without_the_variable_or_a_terminal_it_says_how_to_give_the_password(monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD + "\n"))
    with pytest.raises(CommandError, match="ADMIN_PASSWORD"):
        create("ada@example.org", "--name", "Ada Lovelace")
    assert not User.objects.exists()
