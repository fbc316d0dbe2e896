"""Real PostgreSQL and Redis servers for a test, from Debian's packages (installed when absent).

Each runs as a child process on a free port, with its data in a temporary folder, and is stopped
at the end. PostgreSQL will not run as root, so as root its commands run as the `postgres` user
the package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import free_port
from tools.serve import terminate


def apt_install(package: str) -> None:
    """Install a Debian package (as root, or with sudo), refreshing the lists if the first try fails."""
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    command = [*sudo, "apt-get", "install", "-y", "-q", package]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(command, env=env, capture_output=True).returncode != 0:
        subprocess.run([*sudo, "apt-get", "update", "-q"], env=env, capture_output=True)
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            pytest.fail(f"could not install {package} (apt-get): {done.stderr[-500:]}")


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        apt_install("postgresql")
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL is not installed and could not be installed (apt-get install postgresql)")
    return Path(found[-1]).parent


def _wait(check: object, what: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} stopped during start-up (exit code {process.returncode})")
        try:
            if check():  # type: ignore[operator]
                return
        except Exception:  # noqa: BLE001, S110 - not up yet
            pass
        time.sleep(0.3)
    pytest.fail(f"{what} did not start within {seconds:.0f} s")


@contextmanager
def postgres(folder: Path) -> Iterator[str]:
    """A PostgreSQL server with an empty database `rasa`; yields its URL."""
    binaries = _postgres_bin()
    as_owner: list[str] = []
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        # pytest's folders are root's alone (0700): the postgres user gets a folder of its own.
        folder = Path(tempfile.mkdtemp(prefix="postgres-"))
        shutil.chown(folder, "postgres", "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    data, sockets, port = folder / "data", folder, free_port()
    subprocess.run(
        [*as_owner, str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [
            *as_owner,
            str(binaries / "postgres"),
            "-D",
            str(data),
            "-p",
            str(port),
            "-k",
            str(sockets),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=off",
        ],  # fmt: skip
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:

        def ready() -> bool:
            createdb = [
                str(binaries / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "rasa",
            ]
            return subprocess.run(createdb, capture_output=True).returncode == 0

        _wait(ready, "PostgreSQL", server)
        yield f"postgresql://postgres@127.0.0.1:{port}/rasa"
    finally:
        terminate(server)
        if as_owner:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def redis_server() -> Iterator[int]:
    """A Redis server that keeps nothing on disk; yields its port."""
    binary = shutil.which("redis-server")
    if binary is None:
        apt_install("redis-server")
        binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed and could not be installed (apt-get install redis-server)")
    import redis  # type: ignore[import-untyped]

    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait(lambda: redis.Redis(port=port).ping(), "Redis", server)
        yield port
    finally:
        terminate(server)
