"""Settings read from the environment fail loudly and name the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_check(*args: str, **env_vars: str) -> subprocess.CompletedProcess:
    """Run ``manage.py check`` in a clean environment holding only ``env_vars``."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env_vars}
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_in_production_mode_fails_naming_it():
    result = run_check(DEBUG="False", ALLOWED_HOSTS="shop.example")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_mode_runs_without_secret_key():
    result = run_check(DEBUG="True")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "nosuchdb://x"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
        ("SHOP_COUNTRY", "DE"),
        ("REQUEST_RATE_LIMIT", "many"),
    ],
)
def test_wrong_value_fails_at_start_up_naming_the_variable(name, value):
    env = {"DEBUG": "True", name: value}
    result = run_check(**env)
    assert result.returncode != 0
    assert name in result.stderr


def test_deploy_check_passes_with_only_the_three_production_variables():
    result = run_check(
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        SECRET_KEY="k" * 20 + "x7Qp3vL9sW2mR8tY5uN1bC6dF4gH0jK",
        ALLOWED_HOSTS="shop.example",
    )
    assert result.returncode == 0, result.stderr + result.stdout
