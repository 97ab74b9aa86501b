"""Every package the portal installs is pinned by version and by the hashes of its files, and the
hashed files say what their .in files ask for (`make lock` has been run since the last change)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from packaging.requirements import Requirement

ROOT = Path(settings.BASE_DIR)


def requirements(name: str) -> dict[str, tuple[str, list[str]]]:
    """{package: (pinned version, hashes)} of a requirements file, options and includes left out."""
    text = (ROOT / name).read_text().replace("\\\n", " ")
    found = {}
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-r", "-c")):
            continue
        spec, *options = line.split(" --hash=")
        requirement = Requirement(spec.split(";")[0].strip())
        (pin,) = requirement.specifier
        assert pin.operator == "==", f"{name}: {line} is not pinned to one version"
        found[re.sub(r"[-_.]+", "-", requirement.name).lower()] = (pin.version, [o.strip() for o in options])
    return found


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt", "requirements-model.txt"])
def test_every_package_is_pinned_with_its_hashes(name):
    packages = requirements(name)
    assert packages
    unhashed = [package for package, (_, hashes) in packages.items() if not hashes]
    assert not unhashed, f"{name}: no hash for {unhashed}"
    assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for _, hashes in packages.values() for h in hashes)


@pytest.mark.parametrize(
    ("source", "locked"), [("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")]
)
def test_the_hashed_files_hold_what_the_in_files_ask_for(source, locked):
    wanted, have = requirements(source), requirements(locked)
    stale = {package: version for package, (version, _) in wanted.items() if have.get(package, ("",))[0] != version}
    assert not stale, f"{locked} is out of date for {stale}: run `make lock`"


def test_the_runtime_list_is_in_the_development_list_at_the_same_versions():
    runtime, development = requirements("requirements.txt"), requirements("requirements-dev.txt")
    assert {p: v for p, (v, _) in runtime.items()} == {p: development[p][0] for p in runtime}
    assert "pytest" not in runtime and "ruff" not in runtime  # tools stay out of the runtime list
