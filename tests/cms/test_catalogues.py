"""The message catalogues (docs/i18n.md): every message the code and templates mark for
translation is in each language's catalogue, translated, with the same placeholders.

A message added to a template without its Spanish and French translations fails here:
``makemessages`` is run on a copy of each app and its messages compared with the
catalogues as committed.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
APPS = ["pledge_forms", "campaign_pages", "cms"]
LANGUAGES = [
    code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
]
# What makemessages leaves out of each app (built or third-party files, test helpers).
IGNORED = ["static/*", "assets/*", "testing/*", "locale/*", "settings/*"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}")


def catalogue(app: str, language: str) -> polib.POFile:
    path = ROOT / app / "locale" / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing"
    return polib.pofile(str(path))


def key(entry) -> tuple:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, set]:
    """The messages each app marks today, as makemessages finds them."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext) is needed to check the catalogues")
    found = {}
    for app in APPS:
        copy = tmp_path_factory.mktemp(app) / app
        shutil.copytree(
            ROOT / app,
            copy,
            ignore=shutil.ignore_patterns("locale", "__pycache__", "*.mo"),
        )
        (copy / "locale").mkdir()
        command = [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale",
            "xx",
            "--no-obsolete",
            "--no-location",
        ]
        for pattern in IGNORED:
            command += ["--ignore", pattern]
        subprocess.run(
            command,
            cwd=copy,
            check=True,
            capture_output=True,
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            },
        )
        made = polib.pofile(str(copy / "locale" / "xx" / "LC_MESSAGES" / "django.po"))
        found[app] = {key(entry) for entry in made if entry.msgid}
    return found


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("app", APPS)
def test_every_marked_message_is_in_the_catalogue(app, language, extracted):
    present = {key(entry) for entry in catalogue(app, language) if not entry.obsolete}
    missing = sorted(extracted[app] - present)
    assert not missing, (
        f"{len(missing)} messages of {app} are not in its {language} catalogue "
        f"(run `make messages-update` and translate them): {missing[:10]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("app", APPS)
def test_every_message_is_translated_with_its_placeholders(app, language):
    po = catalogue(app, language)
    assert po.metadata.get("Language") == language
    assert po.metadata.get("Plural-Forms", "").startswith("nplurals=2")
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {app} ({language}): {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {app} ({language}): {fuzzy[:10]}"
    for entry in po.translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        texts = (
            list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        )
        for text in texts:
            # A plural's singular may say "one" instead of its number.
            shown = sorted(PLACEHOLDER.findall(text))
            assert set(shown) <= set(
                expected + PLACEHOLDER.findall(entry.msgid_plural or "")
            ), (app, language, entry.msgid, text)
            if not entry.msgid_plural:
                assert shown == expected, (app, language, entry.msgid, text)


@pytest.mark.parametrize(
    "language, expected",
    [("es", "Asuma el compromiso"), ("fr", "Prenez l'engagement")],
)
def test_the_compiled_catalogues_are_the_ones_django_reads(language, expected):
    with translation.override(language):
        assert translation.gettext("Take the pledge") == expected
