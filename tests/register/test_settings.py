"""Settings read from the environment fail loudly and name the variable."""

import os
import re
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
        ("LOGIN_FAILURE_LIMIT", "0"),
        ("STAFF_IDLE_MINUTES", "soon"),
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


def log_one_line(**env_vars: str) -> str:
    """Log one INFO record through the configured logging; return what reached stderr."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "DEBUG": "True", **env_vars}
    code = "import logging; logging.getLogger('register.retention').info('Purge run %s finished', 5)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_log_lines_carry_time_level_logger_and_message():
    line = log_one_line().strip()
    pattern = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO register\.retention Purge run 5 finished"
    assert re.fullmatch(pattern, line), line


def test_log_level_setting_silences_lower_levels():
    assert log_one_line(LOG_LEVEL="WARNING") == ""
