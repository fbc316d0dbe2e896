"""The container and Kubernetes files, checked offline (no Docker or cluster here): every setting
endpoints.yml needs is given, secrets come from the environment, readiness is the red-flag probe,
and Rasa's HTTP API is never switched on."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.settings import ROOT

COMPOSE = ROOT / "docker-compose.yml"
K8S = sorted((ROOT / "deploy" / "k8s").glob("*.yml"))
SECRET_WORDS = ("PASSWORD", "TOKEN", "SECRET", "TRACKER_URL")


def endpoint_settings() -> set[str]:
    return set(re.findall(r"\$\{(\w+)\}", (ROOT / "endpoints.yml").read_text(encoding="utf-8")))


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def k8s_documents() -> list[dict[str, Any]]:
    return [doc for path in K8S for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def containers(kind: str, name: str) -> list[dict[str, Any]]:
    for doc in k8s_documents():
        if doc["kind"] == kind and doc["metadata"]["name"] == name:
            spec = doc["spec"]["jobTemplate"]["spec"] if kind == "CronJob" else doc["spec"]
            return spec["template"]["spec"]["containers"]
    raise AssertionError(f"no {kind} {name} in deploy/k8s/")


def test_compose_runs_rasa_actions_postgres_and_redis_with_every_setting() -> None:
    services = compose()["services"]
    assert {"rasa", "actions", "postgres", "redis"} <= set(services)
    for name in ("rasa", "actions"):
        assert endpoint_settings() <= set(services[name]["environment"]), name
    environment = services["rasa"]["environment"]
    assert (
        environment["TRACKER_URL"].startswith("postgresql://")
        and "@postgres:5432/" in environment["TRACKER_URL"]
    )
    # Not Rasa's own "redis" lock store: it can give two processes the same ticket.
    assert (
        environment["LOCK_STORE"] == "bot.lock_store.AtomicRedisLockStore"
        and environment["REDIS_HOST"] == "redis"
    )
    assert environment["ACTION_SERVER_URL"] == "http://actions:5055/webhook"


def test_compose_takes_secrets_from_the_environment_and_exposes_only_localhost() -> None:
    for name, service in compose()["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            if any(word in variable for word in SECRET_WORDS):
                # Only ever "${NAME:?why}" from .env: compose refuses to start without it.
                assert re.search(r"\$\{\w+:\?[^}]+\}", str(value)), (name, variable)
    services = compose()["services"]
    assert services["rasa"]["ports"] == ["127.0.0.1:5005:5005"]
    for name, service in services.items():
        assert "ports" not in service or name == "rasa"
        image = service.get("image", "")
        assert ":" in image and not image.endswith(":latest"), name


def test_rasa_never_serves_its_http_api() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    cmd = "\n".join(line for line in dockerfile.splitlines() if not line.lstrip().startswith("#"))
    commands = [" ".join(compose()["services"]["rasa"]["command"]), cmd[cmd.index("CMD") :]]
    commands += [" ".join(c["args"]) for c in containers("Deployment", "safeguarding-rasa")]
    for command in commands:
        assert "rasa" in command and "run" in command
        assert "--enable-api" not in command and "--cors" not in command


def test_ready_means_the_red_flag_probe_answers() -> None:
    assert "tools.ready" in compose()["services"]["rasa"]["healthcheck"]["test"]
    (rasa,) = containers("Deployment", "safeguarding-rasa")
    assert "tools.ready" in rasa["readinessProbe"]["exec"]["command"]
    assert "httpGet" not in rasa["readinessProbe"]


def test_kubernetes_secrets_come_from_a_secret_and_settings_are_complete() -> None:
    (rasa,) = containers("Deployment", "safeguarding-rasa")
    settings = next(d for d in k8s_documents() if d["kind"] == "ConfigMap")["data"]
    given = set(settings) | {e["name"] for e in rasa["env"]}
    assert endpoint_settings() - {"REDIS_PASSWORD"} <= given and "REDIS_PASSWORD" in given
    for kind, name in (("Deployment", "safeguarding-rasa"), ("Deployment", "safeguarding-actions"),
                       ("CronJob", "safeguarding-purge")):  # fmt: skip
        for container in containers(kind, name):
            for variable in container.get("env", []):
                if any(word in variable["name"] for word in SECRET_WORDS):
                    assert "value" not in variable and "secretKeyRef" in variable["valueFrom"], variable
            assert not container["image"].endswith(":latest")
    assert not any(word in key for key in settings for word in SECRET_WORDS)
    assert settings["LOCK_STORE"] == "bot.lock_store.AtomicRedisLockStore"
    assert not [d for d in k8s_documents() if d["kind"] == "Secret"]  # never a secret in the repository


def test_kubernetes_pods_run_as_a_user_and_rasa_is_sticky() -> None:
    for doc in k8s_documents():
        if doc["kind"] == "Deployment":
            assert doc["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    service = next(
        d for d in k8s_documents() if d["kind"] == "Service" and d["metadata"]["name"] == "safeguarding-rasa"
    )
    assert service["spec"]["sessionAffinity"] == "ClientIP"


def test_the_image_uses_the_pinned_versions_and_downloads_no_model() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.10[\w.-]*$", dockerfile, re.MULTILINE)
    assert "-r requirements.txt -c constraints.txt" in dockerfile
    assert "spacy download" not in dockerfile and "tools.spacy_pipeline" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", "var", ".git"} <= set(ignored)


def has_compose() -> bool:
    return (
        shutil.which("docker") is not None
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    )


@pytest.mark.skipif(not has_compose(), reason="Docker Compose is not installed here")
def test_docker_compose_accepts_the_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("POSTGRES_PASSWORD=x\nREDIS_PASSWORD=x\nACTION_TOKEN=x\nWEBCHAT_SECRET=x\n")
    done = subprocess.run(
        ["docker", "compose", "--env-file", str(env), "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
