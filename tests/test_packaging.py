"""The installed wheel, not the checkout: every package and every Cypher statement ships.

The wheel is built offline from a copy of the sources (``--no-build-isolation``, with the
setuptools of the test environment), unpacked with ``pip install --target`` and imported from
there in a fresh interpreter, so nothing can quietly come from the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

_PROBE = """
import json, sys
import stakegraph
from stakegraph.store import catalog
from importlib import resources
names = catalog.statement_names()
texts = {name: catalog.statement(name) for name in names}
print(json.dumps({
    "stakegraph": stakegraph.__file__,
    "cypher": str(resources.files("stakegraph.cypher")),
    "names": names,
    "empty": [name for name, text in texts.items() if not text],
}))
"""


def _source_packages() -> set[str]:
    """Every package of the checkout, by the import name it must have once installed."""
    roots = {"stakegraph": ROOT / "src" / "stakegraph", "stakegraph.api": ROOT / "api"}
    found = {"stakegraph.cypher"}
    for prefix, root in roots.items():
        for init in root.rglob("__init__.py"):
            if "__pycache__" in init.parts:
                continue
            relative = init.parent.relative_to(root).parts
            found.add(".".join((prefix, *relative)))
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the checkout (the build leaves its files in the tree)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist")
    for name in ("src", "api", "cypher"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    out = work / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(out), str(source)],
        check=True, timeout=300,
    )  # fmt: skip
    [built] = out.glob("stakegraph-*.whl")
    return built


def test_every_package_is_in_the_wheel(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        files = set(archive.namelist())
    shipped = {
        name.removesuffix("/__init__.py").replace("/", ".")
        for name in files
        if name.endswith("/__init__.py")
    }
    missing = _source_packages() - shipped
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"
    cypher = {p.name for p in (ROOT / "cypher").glob("*.cypher")}
    assert {f"stakegraph/cypher/{name}" for name in cypher} <= files
    assert "stakegraph/py.typed" in files
    assert "stakegraph/bundle/bundle.schema.json" in files


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The wheel installed alone into a folder, and an environment that imports from there."""
    target = tmp_path_factory.mktemp("installed") / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
         "--target", str(target), str(wheel)],
        check=True, timeout=300,
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(target)
    return target, env


def test_every_statement_loads_from_the_installed_wheel(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    target, env = installed
    # Run from the wheel's directory: the checkout must not be on the path.
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    found = json.loads(probe.stdout)
    assert Path(found["stakegraph"]).is_relative_to(target)
    assert Path(found["cypher"]).is_relative_to(target)
    expected = sorted(p.stem for p in (ROOT / "cypher").glob("*.cypher"))
    assert found["names"] == expected
    assert found["empty"] == []


def test_the_console_script_of_the_installed_wheel_runs(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    # The commands import what they run in their bodies: a module missing from the wheel
    # would only show when a command runs, so run a few of them from the installed script.
    target, env = installed
    script = target / "bin" / "stakegraph"

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(script), *args],
            cwd=tmp_path, env=env, capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
        return done.stdout

    assert all(name in run("--help") for name in ("import", "report", "portfolio", "alerts"))
    assert "salesforce" in run("import", "--help")
    assert run("version").strip()
    bundle = tmp_path / "demo.json"
    run("demo", "--accounts", "5", "--output", str(bundle))
    assert json.loads(bundle.read_text())["format"] == "stakegraph-bundle"
