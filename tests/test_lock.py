"""The lock files pin a release of every dependency that pyproject.toml asks for, within its
range, with hashes: what `make run`, `make test` and a deploy install (`make lock` refreshes)."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pins(lock):
    """{name: (version, hashes)} from a lock file in pip's requirements format."""
    text = (ROOT / "requirements" / lock).read_text()
    found = {}
    for entry in re.split(r"\n(?=\S)", text):
        match = re.match(r"([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(\S+)", entry)
        if match:
            name, version = match.groups()
            found[canonicalize_name(name)] = (version, re.findall(r"--hash=sha256:\w+", entry))
    return found


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("lock.txt", PROJECT["dependencies"]),
        ("dev-lock.txt", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
    ],
)
def test_every_dependency_is_pinned_within_its_range_with_hashes(lock, requirements):
    pinned = pins(lock)
    assert pinned, f"nothing pinned in {lock}"
    for line in requirements:
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate(default_environment()):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in requirements/{lock}: run make lock"
        version, hashes = pinned[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements/{lock} pins {name}=={version}, outside {requirement.specifier}: "
            "run make lock"
        )
    assert all(hashes for _, hashes in pinned.values())


def test_the_tests_run_the_releases_production_installs():
    site, dev = pins("lock.txt"), pins("dev-lock.txt")
    assert {name: site[name][0] for name in site} == {name: dev[name][0] for name in site}
