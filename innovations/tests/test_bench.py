"""What `make bench` says about the machine it ran on (its figures are only comparable within one)."""

import json
import os

import pytest
from django.core.management import call_command

from innovations.management.commands.bench_catalogue import machine


@pytest.mark.django_db
def test_a_run_names_the_machine_and_the_kernels_openblas_was_told_to_use(monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    told = machine()
    monkeypatch.delenv("OPENBLAS_CORETYPE")
    own = machine()
    assert told.endswith("OpenBLAS kernels: those OPENBLAS_CORETYPE=Haswell names")
    assert own.endswith("OpenBLAS kernels: its own choice for the CPU")
    assert f", {os.cpu_count()} cores, " in own
    assert "; PostgreSQL 1" in own  # 15 or later, as the project requires


def test_comparing_runs_says_when_they_came_from_different_machines(tmp_path, capsys):
    def run(innovations: int, where: str) -> str:
        path = tmp_path / f"{innovations}-{where}.json"
        row = {"page": "/robots.txt (minimal page)", "cold": 0.3, "warm": 0.25, "queries": [0, 0]}
        path.write_text(json.dumps({"innovations": innovations, "machine": where, "server": [row], "http": None}))
        return str(path)

    call_command("bench_catalogue", compare=[run(10100, "machine A"), run(100100, "machine A")])
    assert "Measured on machine A." in capsys.readouterr().out
    call_command("bench_catalogue", compare=[run(10100, "machine A"), run(100100, "machine B")])
    assert "These runs were on different machines: machine A; machine B." in capsys.readouterr().out
