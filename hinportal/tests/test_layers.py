"""The layers run one way, and the contracts in .importlinter would catch a backwards import."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PACKAGES = ["hinportal", "networks", "innovations", "reviews"]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"]
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=120)


def copy_of_the_project(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(BASE_DIR / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(BASE_DIR / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_code_keeps_its_layers(tmp_path):
    result = lint_imports(copy_of_the_project(tmp_path))
    assert result.returncode == 0, result.stdout


def test_a_reference_data_app_importing_the_catalogue_breaks_the_contract(tmp_path):
    root = copy_of_the_project(tmp_path)
    (root / "networks" / "backwards.py").write_text("from innovations.models import Innovation  # noqa\n")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "networks is not allowed to import innovations" in result.stdout


def test_the_domain_free_layer_importing_an_app_breaks_the_contract(tmp_path):
    root = copy_of_the_project(tmp_path)
    (root / "hinportal" / "lib" / "backwards.py").write_text("import reviews.models  # noqa\n")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
