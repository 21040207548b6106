"""Backups against the real PostgreSQL: back up, restore into a fresh database, find the same data."""

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.factories import UserFactory
from audit.models import EventKind, SecurityEvent
from inspections.factories import InspectionFactory
from inspections.models import Inspection
from inspections.services import inspection_replacement

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def connect(database: str, **kwargs):
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"], dbname=database, **kwargs
    )


def table_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "reports").mkdir(parents=True)
    (settings.MEDIA_ROOT / "reports" / "report.pdf").write_bytes(b"%PDF-1.7 the report")
    return settings.MEDIA_ROOT


@pytest.fixture
def some_data(framework, media):
    inspection = InspectionFactory(reference="CHESHIRE-2021")
    UserFactory(email="ian@example.org")
    SecurityEvent.objects.create(kind=EventKind.DOWNLOAD, user_email="ian@example.org", detail="report.pdf")
    return inspection


@pytest.fixture
def fresh_database():
    name = f"{settings.DATABASES['default']['NAME']}_restore"
    with connect("postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connect("postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_a_fresh_database_has_the_same_data(
    some_data, media, fresh_database, tmp_path
):
    with connection.cursor() as cursor:
        before = table_counts(cursor)
    backup = tmp_path / "backup.tar"
    call_command("backup", output=backup, stdout=io.StringIO())
    assert oct(backup.stat().st_mode & 0o777) == "0o600"

    restored_media = tmp_path / "restored"
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup), "--yes"],
        cwd=ROOT,
        env={**os.environ, "POSTGRES_DB": fresh_database, "MEDIA_ROOT": str(restored_media)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Restored database" in result.stdout

    with connect(fresh_database) as restored, restored.cursor() as cursor:
        after = table_counts(cursor)
        cursor.execute("SELECT email, password FROM accounts_user ORDER BY email")
        users = cursor.fetchall()
        cursor.execute("SELECT reference FROM inspections_inspection")
        references = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT kind FROM audit_securityevent ORDER BY id")
        kinds = [row[0] for row in cursor.fetchall()]
    # Every table has the same rows, but for the one event the restore itself recorded.
    assert after == {**before, "audit_securityevent": before["audit_securityevent"] + 1}
    assert before["inspections_prompt"] > 50
    from accounts.models import User

    assert users == list(User.objects.order_by("email").values_list("email", "password"))
    assert references == ["CHESHIRE-2021"]
    assert kinds[-1] == EventKind.RESTORE
    assert (restored_media / "test" / "reports" / "report.pdf").read_bytes() == b"%PDF-1.7 the report"


def test_restoring_brings_back_what_was_deleted_since_the_backup(some_data, media, tmp_path):
    backup = tmp_path / "backup.tar"
    call_command("backup", output=backup, stdout=io.StringIO())
    with inspection_replacement(reason="the test loses the data that the backup brings back"):
        Inspection.objects.filter(reference="CHESHIRE-2021").delete()
    (media / "reports" / "report.pdf").unlink()
    (media / "made-after-the-backup.txt").write_text("gone after the restore")

    call_command("restore", backup, yes=True, stdout=io.StringIO())

    assert Inspection.objects.filter(reference="CHESHIRE-2021").exists()
    assert (media / "reports" / "report.pdf").read_bytes() == b"%PDF-1.7 the report"
    assert sorted(p.name for p in media.iterdir()) == ["reports"]
    assert SecurityEvent.objects.filter(kind=EventKind.RESTORE).count() == 1


def rewrite(backup: Path, damaged: Path, replace: dict[str, bytes]):
    with tarfile.open(backup) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name in replace:
                data = replace[member.name]
                member.size = len(data)
            target.addfile(member, io.BytesIO(data) if data is not None else None)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ({"database.dump": b"not a dump"}, "missing or damaged"),
        ({"manifest.json": b"{"}, "no readable manifest.json"),
        ({"../../etc/cron.d/evil": b"* * * * * root true"}, "unexpected file"),
    ],
)
def test_a_damaged_backup_is_refused_and_nothing_changes(some_data, media, tmp_path, damage, message):
    backup, damaged = tmp_path / "backup.tar", tmp_path / "damaged.tar"
    call_command("backup", output=backup, stdout=io.StringIO())
    if "database.dump" in damage or "manifest.json" in damage:
        rewrite(backup, damaged, damage)
    else:
        rewrite(backup, damaged, {})
        with tarfile.open(damaged, "a") as archive:
            ((name, data),) = damage.items()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    with inspection_replacement(reason="the test loses the data that the backup brings back"):
        Inspection.objects.filter(reference="CHESHIRE-2021").delete()

    with pytest.raises(CommandError, match=message) as refused:
        call_command("restore", damaged, yes=True)

    assert "Nothing was restored" in str(refused.value)
    assert not Inspection.objects.filter(reference="CHESHIRE-2021").exists()
    assert (media / "reports" / "report.pdf").exists()
    assert sorted(p.name for p in media.iterdir()) == ["reports"]


def test_restore_asks_for_confirmation_and_refuses_what_is_not_a_backup(some_data, tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    with pytest.raises(CommandError, match="Add --yes to confirm"):
        call_command("restore", not_a_backup)
    with pytest.raises(CommandError, match="is not a backup file"):
        call_command("restore", not_a_backup, yes=True)
    with pytest.raises(CommandError, match="There is no backup file"):
        call_command("restore", tmp_path / "missing.tar", yes=True)


def test_a_backup_never_overwrites_an_earlier_one(some_data, tmp_path):
    backup = tmp_path / "backup.tar"
    call_command("backup", output=backup, stdout=io.StringIO())
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", output=backup)
    call_command("backup", output=tmp_path, stdout=io.StringIO())
    assert len(list(tmp_path.glob("backup-*.tar"))) == 1
