"""Every catalogue exists in sv, fi, nb and en, and every string in it is translated."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS_WITH_CATALOGUES = ("staff", "customers", "requests", "breaches", "api")
CATALOGUE_DIRS = [ROOT / "locale", *(ROOT / app / "locale" for app in APPS_WITH_CATALOGUES)]
LANGUAGES = ["sv", "fi", "nb", "en"]


def catalogues():
    for folder in CATALOGUE_DIRS:
        if any(folder.glob("*/LC_MESSAGES/django.po")):
            for language in LANGUAGES:
                yield pytest.param(
                    folder / language / "LC_MESSAGES" / "django.po",
                    id=f"{folder.parent.name}/{folder.name}-{language}",
                )


@pytest.mark.parametrize("po_path", list(catalogues()))
def test_catalogue_is_complete(po_path: Path):
    assert po_path.exists(), f"missing catalogue {po_path}"
    catalogue = polib.pofile(str(po_path))
    # Source strings are English, so the en catalogue may leave msgstr empty.
    untranslated = [] if po_path.parts[-3] == "en" else [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"{po_path}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{po_path}: fuzzy {fuzzy[:10]}"


def test_there_are_catalogues():
    assert list(catalogues()), "no translation catalogues found"
