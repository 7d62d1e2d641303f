"""The digest's settings and recipients (reporting/brief/delivery.py): the file, the
environment over it, owners named by e-mail, and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.settings import SettingsError
from reporting.brief.delivery import digest_settings, eml_name, recipients

FILE = """
[smtp]
host = "mail.acme.test"
security = "ssl"
user = "okr"
password = "from-the-file"

[dashboard]
base_url = "https://okr.acme.test"

[recipients]
company = "ceo@acme.test, coo@acme.test"
owners = true

[recipients.departments]
Engineering = ["cto@acme.test"]
"""


def test_the_file_gives_the_server_and_the_recipients(tmp_path: Path):
    path = tmp_path / "digest.toml"
    path.write_text(FILE)
    settings = digest_settings(path, environ={})
    assert (settings.host, settings.port, settings.security) == ("mail.acme.test", 465, "ssl")
    assert settings.password == "from-the-file" and "from-the-file" not in repr(settings)
    owners = ["ann@acme.test", "Ben Bay", "ann@acme.test", "cy@acme.test"]
    found = [(r.address, r.scope.level, r.scope.name) for r in recipients(settings, "Q1", owners)]
    assert found == [
        ("ceo@acme.test", "company", None), ("coo@acme.test", "company", None),
        ("cto@acme.test", "department", "Engineering"),
        ("ann@acme.test", "owner", "ann@acme.test"), ("cy@acme.test", "owner", "cy@acme.test"),
    ]  # fmt: skip


def test_the_environment_wins_over_the_file(tmp_path: Path):
    path = tmp_path / "digest.toml"
    path.write_text(FILE)
    env = {
        "OKR_HEALTH_SMTP_PORT": "2525", "OKR_HEALTH_SMTP_SECURITY": "starttls",
        "OKR_HEALTH_SMTP_PASSWORD": "from-the-env",
        "OKR_HEALTH_DIGEST_RECIPIENTS": "team:Data Lake=lead@acme.test;department:Sales=s@a.test",
    }  # fmt: skip
    settings = digest_settings(path, environ=env)
    assert (settings.port, settings.security, settings.password) == (
        2525, "starttls", "from-the-env",
    )  # fmt: skip
    assert dict(settings.teams) == {"Data Lake": ("lead@acme.test",)}
    assert dict(settings.departments) == {"Sales": ("s@a.test",)}
    assert settings.company == ()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OKR_HEALTH_DIGEST_RECIPIENTS": "department:Sales=not-an-address"},
         "'not-an-address' is not an e-mail address"),
        ({"OKR_HEALTH_DIGEST_RECIPIENTS": "everyone=a@acme.test"},
         "should read company=…, department:NAME=… or team:NAME=…"),
        ({"OKR_HEALTH_SMTP_PORT": "smtp"}, "OKR_HEALTH_SMTP_PORT must be a number"),
    ],
)  # fmt: skip
def test_a_setting_it_cannot_take_is_named(env: dict[str, str], message: str):
    with pytest.raises(SettingsError, match=message):
        digest_settings(None, environ=env)


def test_an_unreadable_file_is_named(tmp_path: Path):
    path = tmp_path / "digest.toml"
    path.write_text("[smtp\nhost = 1")
    with pytest.raises(SettingsError, match="digest settings .*digest.toml"):
        digest_settings(path, environ={})


def test_eml_names_are_safe_file_names():
    from reporting.brief.delivery import Recipient
    from reporting.brief.model import Scope

    name = eml_name(3, Recipient("a@b.test", Scope("Q1", team="../R&D / Ops")))
    assert name == "003-team-R-D-Ops-a@b.test.eml"
