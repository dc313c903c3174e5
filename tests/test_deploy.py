"""docker-compose.yml and the Dockerfile: Neo4j 5 with a volume and a healthcheck, and the API
built from this repository, wired to it through stakegraph's own settings."""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from stakegraph.settings import Settings, get_settings

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def _dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_compose_has_neo4j_5_community_with_volumes_and_a_healthcheck(
    compose: dict[str, Any],
) -> None:
    assert "version" not in compose, "the Compose Specification needs no version key"
    assert set(compose["services"]) == {"neo4j", "api"}
    neo4j = compose["services"]["neo4j"]
    assert re.fullmatch(r"neo4j:5[.\d]*-community", neo4j["image"])
    mounts = dict(v.split(":")[:2][::-1] for v in neo4j["volumes"])
    assert mounts["/data"] in compose["volumes"], "the graph lives in a named volume"
    check = neo4j["healthcheck"]
    assert check["test"][0] == "CMD-SHELL" and "cypher-shell" in check["test"][1]
    assert "RETURN 1" in check["test"][1]
    assert check["retries"] * _seconds(check["interval"]) >= 60
    # The password is never written into the file: both services read the same variable.
    assert neo4j["environment"]["NEO4J_AUTH"] == "neo4j/${STAKEGRAPH_NEO4J_PASSWORD:-}"
    assert all(p.startswith("127.0.0.1:") for p in neo4j["ports"]), "Neo4j stays private"


def _seconds(value: str) -> int:
    match = re.fullmatch(r"(\d+)s", value)
    assert match, value
    return int(match.group(1))


def test_the_api_is_built_here_and_waits_for_a_healthy_neo4j(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]
    assert api["build"] == "."
    assert api["command"] == ["stakegraph", "serve", "--host", "0.0.0.0"]
    assert api["depends_on"] == {"neo4j": {"condition": "service_healthy"}}
    assert api["ports"] == [f"{Settings().port}:{Settings().port}"]
    mounts = dict(v.split(":")[:2][::-1] for v in api["volumes"])
    assert mounts[api["environment"]["STAKEGRAPH_DATA_DIR"]] in compose["volumes"]


def test_the_api_environment_is_stakegraph_settings(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    env = compose["services"]["api"]["environment"]
    fields = set(Settings.model_fields)
    for name in env:
        assert name.startswith("STAKEGRAPH_")
        assert name.removeprefix("STAKEGRAPH_").lower() in fields, f"{name} is no setting"
    assert env["STAKEGRAPH_NEO4J_PASSWORD"] == "${STAKEGRAPH_NEO4J_PASSWORD:-}"
    # What the API process sees once compose has filled in the password.
    for name, value in env.items():
        monkeypatch.setenv(name, str(value).replace("${STAKEGRAPH_NEO4J_PASSWORD:-}", "s3cret-pw"))
    settings = get_settings()
    assert settings.graph_url == "bolt://neo4j:7687"
    assert not settings.embedded
    assert settings.neo4j_user == "neo4j" and settings.neo4j_password == "s3cret-pw"
    assert str(settings.data_dir) == "/var/lib/stakegraph"


def test_the_dockerfile_installs_this_distribution_and_serves_it(
    compose: dict[str, Any],
) -> None:
    steps = _dockerfile()
    assert steps[0] == ("FROM", "python:3.11-slim")
    copied = set()
    for word, rest in steps:
        if word == "COPY":
            *sources, _target = shlex.split(rest)
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: no such path"
                copied.add(source.rstrip("/"))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    roots = set(pyproject["tool"]["setuptools"]["package-dir"].values())
    assert roots | {"pyproject.toml", pyproject["project"]["readme"]} <= copied
    assert ("RUN", "pip install . && rm -rf /build") in steps
    assert ("USER", "stakegraph") in steps, "the service does not run as root"
    assert ("EXPOSE", str(Settings().port)) in steps
    cmd = next(rest for word, rest in steps if word == "CMD")
    assert json.loads(cmd) == compose["services"]["api"]["command"]
    assert any(word == "HEALTHCHECK" and "/healthz" in rest for word, rest in steps)


def test_the_dockerignore_keeps_the_context_small() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "tests"} <= ignored
