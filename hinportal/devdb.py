"""The project-local PostgreSQL cluster and `.env` file that `make run` and `make test` use.

Run as `python -m hinportal.devdb start|stop|env`. Without DATABASE_URL in the environment the
portal talks to its own cluster, started from the machine's PostgreSQL binaries and listening only
on a unix socket in its own folder, so it never clashes with a server on port 5432. PostgreSQL
refuses to run as root: then the cluster belongs to the unprivileged `postgres` user and lives in
the temporary folder (a clone under root's home is closed to that user), linked from `.local/pg`.
"""

import glob
import hashlib
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".local"
ENV_FILE = BASE_DIR / ".env"
DB_NAME = "hinportal"
DB_USER = "hinportal"
SERVICE_USER = "postgres"
MIN_VERSION = 15
# A unix socket path may hold about 107 bytes; keep room for "/.s.PGSQL.5432".
MAX_SOCKET_DIR = 90
FALLBACK_BINDIRS = ["/usr/local/pgsql/bin", "/usr/pgsql-17/bin", "/usr/pgsql-16/bin", "/usr/pgsql-15/bin"]


class SetupError(Exception):
    """A problem the developer can fix, reported as one line without a traceback."""


def running_as_root() -> bool:
    return os.geteuid() == 0


def cluster_dir() -> Path:
    local = LOCAL_DIR / "pg"
    if not running_as_root() and len(str(local)) <= MAX_SOCKET_DIR:
        return local
    digest = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"hinportal-pg-{digest}"


def find_bindir() -> Path:
    candidates = [os.environ.get("PG_BINDIR", "")]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    # Debian and Ubuntu keep the server binaries off PATH, one folder per major version.
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    candidates += sorted(glob.glob("/opt/homebrew/opt/postgresql@*/bin"), reverse=True)
    candidates += FALLBACK_BINDIRS
    for candidate in filter(None, candidates):
        path = Path(candidate)
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    raise SetupError(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found: install PostgreSQL "
        f"{MIN_VERSION} or newer (Debian/Ubuntu: apt-get install postgresql; macOS: brew install "
        "postgresql@16), or set PG_BINDIR to their folder, or set DATABASE_URL to use a server of yours."
    )


def check_version(bindir: Path) -> None:
    output = subprocess.run([bindir / "postgres", "--version"], capture_output=True, text=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if not match or int(match.group(1)) < MIN_VERSION:
        raise SetupError(f"PostgreSQL {MIN_VERSION} or newer is needed; {bindir} has {output.strip()!r}.")


def as_service_user(command: list) -> list:
    """Prefix a server command so that it runs as an unprivileged user when we are root."""
    if not running_as_root():
        return command
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        raise SetupError(
            f"Running as root, the cluster needs the unprivileged user {SERVICE_USER!r} that the "
            "PostgreSQL packages create; install them or set DATABASE_URL."
        ) from None
    return ["runuser", "-u", SERVICE_USER, "--", *map(str, command)]


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise SetupError(f"{Path(str(command[-1])).name}: {detail[-1] if detail else 'failed'}")
    return result


def prepare_folder(cluster: Path) -> None:
    cluster.mkdir(parents=True, exist_ok=True)
    if running_as_root():
        shutil.chown(cluster, user=SERVICE_USER)
        LOCAL_DIR.mkdir(exist_ok=True)
        link = LOCAL_DIR / "pg"
        if link.is_symlink() or not link.exists():
            link.unlink(missing_ok=True)
            link.symlink_to(cluster)


def initdb(bindir: Path, data: Path) -> None:
    base = [bindir / "initdb", "-D", data, "-U", DB_USER, "--auth=trust", "--encoding=UTF8"]
    try:
        run(as_service_user([*base, "--locale=C.UTF-8"]))
    except SetupError:
        shutil.rmtree(data, ignore_errors=True)  # the machine may lack a C.UTF-8 locale
        run(as_service_user([*base, "--no-locale"]))


def is_running(bindir: Path, data: Path) -> bool:
    status = subprocess.run(as_service_user([bindir / "pg_ctl", "status", "-D", data]), capture_output=True)
    return status.returncode == 0


def start() -> None:
    if os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is set: using that database, not a local cluster.")
        write_env()
        return
    bindir = find_bindir()
    check_version(bindir)
    cluster = cluster_dir()
    data = cluster / "data"
    prepare_folder(cluster)
    if not (data / "PG_VERSION").exists():
        print(f"Creating a PostgreSQL cluster in {cluster}")
        initdb(bindir, data)
    if not is_running(bindir, data):
        options = f"-c listen_addresses='' -c unix_socket_directories='{cluster}' -c synchronous_commit=off"
        run(
            as_service_user([bindir / "pg_ctl", "start", "-w", "-D", data, "-l", cluster / "server.log", "-o", options])
        )
        print(f"PostgreSQL is listening on the socket in {cluster}")
    ensure_database(DB_NAME)
    write_env(database_url=local_url(DB_NAME))


def local_url(name: str) -> str:
    return f"postgres://{DB_USER}@/{name}?host={cluster_dir()}"


def database_url(name: str) -> str:
    """The URL of database `name` on the server that DATABASE_URL names, or on the local cluster."""
    configured = os.environ.get("DATABASE_URL")
    if not configured:
        return local_url(name)
    parts = urlsplit(configured)
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(name: str) -> None:
    """Create database `name` if it is missing, on the DATABASE_URL server or the local cluster."""
    import psycopg2
    from psycopg2 import sql

    maintenance = database_url("postgres")
    parts = urlsplit(maintenance)
    host = parse_qs(parts.query).get("host", [parts.hostname])[0]
    connection = psycopg2.connect(
        dbname="postgres", user=parts.username or DB_USER, password=parts.password, host=host, port=parts.port
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not cursor.fetchone():
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg2.Error as error:
        raise SetupError(f"could not create database {name}: {error}".strip()) from None
    finally:
        connection.close()


def stop() -> None:
    cluster = cluster_dir()
    data = cluster / "data"
    if os.environ.get("DATABASE_URL") or not (data / "PG_VERSION").exists():
        return
    bindir = find_bindir()
    if is_running(bindir, data):
        run(as_service_user([bindir / "pg_ctl", "stop", "-m", "fast", "-D", data]))
        print("PostgreSQL stopped.")


def replica_dir() -> Path:
    cluster = cluster_dir()
    return cluster.parent / f"{cluster.name}-replica"


def start_replica_of(bindir: Path, primary_socket_dir: Path, folder: Path) -> None:
    """A streaming replica (hot standby) of the cluster listening in `primary_socket_dir`: a base
    backup taken with pg_basebackup (-R writes the standby's connection to the primary), started
    on a socket of its own in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    if running_as_root():
        shutil.chown(folder, user=SERVICE_USER)
    data = folder / "data"
    if not (data / "PG_VERSION").exists():
        # "-c fast": the backup starts at once instead of waiting for a spread checkpoint (minutes).
        backup = [bindir / "pg_basebackup", "-h", primary_socket_dir, "-U", DB_USER, "-D", data, "-R", "-X", "stream"]
        backup += ["-c", "fast"]
        run(as_service_user(backup))
    if not is_running(bindir, data):
        options = f"-c listen_addresses='' -c unix_socket_directories='{folder}' -c hot_standby=on"
        run(as_service_user([bindir / "pg_ctl", "start", "-w", "-D", data, "-l", folder / "server.log", "-o", options]))


def replica() -> None:
    """`make replica`: a streaming replica of the local cluster, and the DATABASE_REPLICA_URL to use it."""
    if os.environ.get("DATABASE_URL"):
        raise SetupError("DATABASE_URL is set: make a replica of that server with its own tools.")
    bindir = find_bindir()
    start_replica_of(bindir, cluster_dir(), replica_dir())
    print(f"A streaming replica of the local cluster is listening in {replica_dir()}. To read from it:")
    print(f"DATABASE_REPLICA_URL=postgres://{DB_USER}@/{DB_NAME}?host={replica_dir()}")


def stop_replica() -> None:
    data = replica_dir() / "data"
    if (data / "PG_VERSION").exists() and is_running(find_bindir(), data):
        run(as_service_user([find_bindir() / "pg_ctl", "stop", "-m", "fast", "-D", data]))
        print("Replica stopped.")


def write_env(*, database_url: str | None = None) -> None:
    """Write the developer's .env once, with a random SECRET_KEY; keep DATABASE_URL current."""
    lines = (
        ENV_FILE.read_text().splitlines()
        if ENV_FILE.exists()
        else [
            "# Written by `make`: settings for this machine only. Not for production.",
            f"SECRET_KEY={secrets.token_urlsafe(50)}",
            "ALLOWED_HOSTS=127.0.0.1,localhost",
            "HTTPS=off",
        ]
    )
    if database_url:
        lines = [line for line in lines if not line.startswith("DATABASE_URL=")]
        lines.append(f"DATABASE_URL={database_url}")
    ENV_FILE.write_text("\n".join(lines) + "\n")
    ENV_FILE.chmod(0o600)


def print_url(name: str) -> None:
    print(database_url(name))


def main(argv: list[str]) -> int:
    actions = {"start": start, "stop": stop, "env": write_env, "replica": replica, "stop-replica": stop_replica}
    named = {"createdb": ensure_database, "url": print_url}
    if not ((len(argv) == 1 and argv[0] in actions) or (len(argv) == 2 and argv[0] in named)):
        print(
            "usage: python -m hinportal.devdb {start|stop|env|replica|stop-replica|createdb NAME|url NAME}",
            file=sys.stderr,
        )
        return 2
    try:
        if argv[0] in named:
            named[argv[0]](argv[1])
        else:
            actions[argv[0]]()
    except SetupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
