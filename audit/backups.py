"""Backups of the database (pg_dump's custom format) and the media files, in one tar file, and restores
from it. A restore is one transaction: it either brings back everything or changes nothing."""

import glob
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
DUMP = "database.dump"
MANIFEST = "manifest.json"
MEDIA = "media"
# Working folders a restore makes inside MEDIA_ROOT (a mounted volume cannot itself be renamed).
RESTORING, REPLACED = ".restoring", ".replaced"


class BackupError(Exception):
    """Something an operator must put right; the message says what, in words."""


def _postgres_program(name: str) -> str:
    """The newest installed server version's program (pg_dump must not be older than the server)."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    found = candidates[-1] if candidates else shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} is not installed. Install the PostgreSQL client programs (postgresql-client)."
        )
    return found


def _run(program: str, arguments: list[str], database: dict) -> None:
    environment = {**os.environ, "PGPASSWORD": database["PASSWORD"], "PGCONNECT_TIMEOUT": "10"}
    connection_arguments = ["-h", database["HOST"], "-p", str(database["PORT"]), "-U", database["USER"]]
    result = subprocess.run(
        [_postgres_program(program), *connection_arguments, *arguments],
        env=environment,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip() or 'no message'}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_files(media_root: Path):
    if not media_root.is_dir():
        return
    for path in sorted(media_root.rglob("*")):
        relative = path.relative_to(media_root)
        if relative.parts[0] in (RESTORING, REPLACED) or not path.is_file() or path.is_symlink():
            continue
        yield path, relative


def backup_default_path() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return settings.BACKUP_DIR / f"backup-{settings.DATABASES['default']['NAME']}-{stamp}.tar"


def backup_make(*, destination: Path | None = None) -> Path:
    """Writes the database and the media files to `destination` (a new .tar file, readable only by its
    owner: it holds children's case data). Returns its path."""
    database = settings.DATABASES["default"]
    destination = Path(destination or backup_default_path())
    if destination.exists():
        raise BackupError(f"{destination} exists already. Choose a new file name.")
    destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = destination.with_name(destination.name + ".partial")
    with tempfile.TemporaryDirectory(dir=destination.parent) as work:
        dump = Path(work) / DUMP
        _run(
            "pg_dump",
            ["--format=custom", "--no-owner", "--no-privileges", "-f", str(dump), database["NAME"]],
            database,
        )
        media_root = Path(settings.MEDIA_ROOT)
        media = list(_media_files(media_root))
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": database["NAME"],
            "database_sha256": _sha256(dump),
            "latest_migrations": dict(
                MigrationRecorder.Migration.objects.order_by("app", "applied").values_list("app", "name")
            ),
            "media_files": len(media),
        }
        old_umask = os.umask(0o077)
        try:
            with tarfile.open(partial, "w") as archive:
                data = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
                archive.addfile(info, io.BytesIO(data))
                archive.add(dump, arcname=DUMP)
                for path, relative in media:
                    archive.add(path, arcname=f"{MEDIA}/{relative.as_posix()}", recursive=False)
            partial.rename(destination)
        finally:
            os.umask(old_umask)
            partial.unlink(missing_ok=True)
    return destination


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.loads(archive.extractfile(member).read())
    except (KeyError, ValueError, AttributeError):
        raise BackupError(
            "This is not a backup made by this service: it has no readable manifest.json."
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"This backup has format {manifest.get('format')!r}; this service reads format {FORMAT}."
        )
    return manifest


def backup_restore(*, source: Path) -> dict:
    """Replaces the database's contents and the media files with those in the backup at `source`.

    Checked before anything changes: the file is a backup of ours, undamaged, with nothing outside its
    own folders. The database is restored in one transaction; the media files are swapped in only after
    it succeeded. Stop the web and worker processes first. Returns the backup's manifest."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    database = settings.DATABASES["default"]
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    if not tarfile.is_tarfile(source):
        raise BackupError(f"{source} is not a backup file (it is not a tar archive).")
    staging = media_root / RESTORING
    shutil.rmtree(staging, ignore_errors=True)
    try:
        with tarfile.open(source, "r") as archive:
            manifest = _read_manifest(archive)
            for member in archive.getmembers():
                name = member.name
                if name not in (MANIFEST, DUMP) and not name.startswith(f"{MEDIA}/"):
                    raise BackupError(
                        f"The backup holds an unexpected file, {name}: it was not made by this service."
                    )
            if hasattr(tarfile, "data_filter"):
                try:
                    archive.extractall(staging, filter="data")
                except tarfile.FilterError as exc:
                    raise BackupError(
                        f"The backup holds an unsafe file path and was refused: {exc}"
                    ) from None
            else:
                # Python before 3.11.4 (Debian bookworm's 3.11.2) has no extraction filters: the same
                # refusals by hand (only plain files and folders, no absolute or parent paths).
                for member in archive.getmembers():
                    parts = Path(member.name).parts
                    if (
                        not (member.isfile() or member.isdir())
                        or member.name.startswith("/")
                        or ".." in parts
                    ):
                        raise BackupError(
                            f"The backup holds an unsafe file path and was refused: {member.name}"
                        )
                archive.extractall(staging)
        dump = staging / DUMP
        if not dump.is_file() or _sha256(dump) != manifest.get("database_sha256"):
            raise BackupError(
                "The database copy in the backup is missing or damaged (its checksum does not match)."
            )
        connection.close()
        _run(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "-d",
                database["NAME"],
                str(dump),
            ],
            database,
        )
        _swap_media(media_root, staging / MEDIA)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _swap_media(media_root: Path, restored: Path) -> None:
    replaced = media_root / REPLACED
    shutil.rmtree(replaced, ignore_errors=True)
    replaced.mkdir()
    for child in media_root.iterdir():
        if child.name not in (RESTORING, REPLACED):
            child.rename(replaced / child.name)
    if restored.is_dir():
        for child in restored.iterdir():
            child.rename(media_root / child.name)
    shutil.rmtree(replaced)
