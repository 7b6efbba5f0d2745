"""Compile message catalogues: ``compile_messages.py PO MO``.

polib (pinned with wagtail-localize) writes the ``.mo`` file, so no system gettext tools
are needed to build the site; the test suite checks the catalogues themselves
(tests/cms/test_catalogues.py)."""

import sys

import polib


def main(source: str, target: str) -> None:
    catalogue = polib.pofile(source)
    catalogue.save_as_mofile(target)


if __name__ == "__main__":
    main(*sys.argv[1:])
