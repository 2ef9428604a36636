"""The apps depend one way: register <- staff <- customers <- requests <- breaches, api.

``register`` (the register description, the privacy registry, the purge engine) imports none of
the others, ``staff`` (staff sign-in) only ``register``, and ``customers`` does not import
``requests``; nothing below imports ``breaches`` (the DPO's cockpit) or ``api`` (the shop's API and
webhooks), and those two do not import each other — not at module level and not inside functions.
Where a lower app must reach a higher one, the higher one registers itself (``<app>/privacy.py``,
``roles.py``, ``retention.py``, discovered in ``RegisterConfig.ready()``).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What each app may not import.
FORBIDDEN = {
    "register": {"staff", "customers", "requests", "breaches", "api"},
    "staff": {"customers", "requests", "breaches", "api"},
    "customers": {"requests", "breaches", "api"},
    "requests": {"breaches", "api"},
    # The two top apps (the DPO's cockpit and breach register; the shop's API) stand side by side.
    "breaches": {"api"},
    "api": {"breaches"},
}
# The project's settings name every app; the example registers are data.
NOT_CHECKED = ("register/settings.py", "register/examples/")


def modules(app: str) -> list[str]:
    """The project-relative paths of the app's modules that are checked."""
    paths = (path.relative_to(ROOT) for path in sorted((ROOT / app).rglob("*.py")))
    return [
        path.as_posix()
        for path in paths
        if "migrations" not in path.parts and not path.as_posix().startswith(NOT_CHECKED)
    ]


def imported_packages(source: str, app: str) -> list[tuple[int, str]]:
    """(line, top-level package) of every import in ``source``, wherever it is written.

    A relative import stays inside the module's own ``app``.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, app if node.level else (node.module or "").split(".")[0]))
    return found


def upward_imports() -> dict[str, list[str]]:
    """{module path: ["line: package", …]} of the imports that run against the dependency order."""
    result: dict[str, list[str]] = {}
    for app, forbidden in FORBIDDEN.items():
        for path in modules(app):
            found = imported_packages((ROOT / path).read_text(), app)
            hits = [f"{line}: {name}" for line, name in found if name in forbidden]
            if hits:
                result[path] = hits
    return result


def test_lower_apps_import_nothing_from_the_apps_above_them():
    assert upward_imports() == {}


def test_imports_inside_functions_are_found():
    source = (
        "def f():\n"
        "    from requests.erasure import erase_customer\n"
        "    import customers.models\n"
        "    from .models import Customer\n"
    )
    found = imported_packages(source, "customers")
    assert [(line, name) for line, name in found] == [(2, "requests"), (3, "customers"), (4, "customers")]
