from hinportal import devdb


def test_it_stops_with_one_clear_line_when_postgresql_is_missing(monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PG_BINDIR", raising=False)
    monkeypatch.setattr(devdb.shutil, "which", lambda name: None)
    monkeypatch.setattr(devdb.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(devdb, "FALLBACK_BINDIRS", [])

    assert devdb.main(["start"]) == 1

    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: PostgreSQL server binaries (initdb, pg_ctl) were not found: install PostgreSQL")
    assert "Traceback" not in err


def test_it_writes_a_random_secret_once_and_keeps_the_database_url_current(monkeypatch, tmp_path):
    env_file = tmp_path / ".env"
    monkeypatch.setattr(devdb, "ENV_FILE", env_file)

    devdb.write_env(database_url="postgres://hinportal@/hinportal?host=/first")
    first = env_file.read_text()
    devdb.write_env(database_url="postgres://hinportal@/hinportal?host=/second")
    second = env_file.read_text()

    secret = next(line for line in first.splitlines() if line.startswith("SECRET_KEY="))
    assert len(secret) > 50
    assert secret in second
    assert "host=/first" not in second
    assert second.count("DATABASE_URL=") == 1
    assert "HTTPS=off" in second
    assert env_file.stat().st_mode & 0o777 == 0o600


def test_it_rejects_an_unknown_action(capsys):
    assert devdb.main(["explode"]) == 2
    assert "usage:" in capsys.readouterr().err
