"""Build the site's static assets from the design system installed by npm.

``make assets`` runs this: it compiles ``cms/assets/scss/site.scss`` with Sass against the
U.S. Web Design System's packages, then copies from the package only what the site serves:
the fonts and images the stylesheet refers to, the design system's script, and the font files
the badge and certificate are drawn with. The output is ``build/``: its ``static/`` is
one of ``STATICFILES_DIRS``, its ``fonts/`` is read by the badge and the certificate. It is
rebuilt, never edited.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
USWDS = ROOT / "node_modules" / "@uswds" / "uswds"
SOURCE = ROOT / "cms" / "assets" / "scss" / "site.scss"
OUTPUT = ROOT / "build"
STYLESHEET = OUTPUT / "static" / "css" / "site.css"
# Copied as they are (targets under build/): the script behind the menu on phones, the menu's
# close and search icons, and the TrueType files the badge measures its text with and the certificate
# embeds (read from disk, not served).
COPIED = {
    "dist/js/uswds.min.js": "static/js/uswds.min.js",
    "dist/img/usa-icons/close.svg": "static/img/usa-icons/close.svg",
    "dist/img/usa-icons-bg/search--white.svg": "static/img/usa-icons-bg/search--white.svg",
    "dist/fonts/public-sans/PublicSans-Regular.ttf": "fonts/PublicSans-Regular.ttf",
    "dist/fonts/public-sans/PublicSans-Bold.ttf": "fonts/PublicSans-Bold.ttf",
}
URL = re.compile(r"url\(\s*[\"']?\.\./((?:img|fonts)/[^\"')?#]+)")


def referenced_files(css):
    """The design system's files the compiled stylesheet points at (``../img``, ``../fonts``)."""
    return sorted(set(URL.findall(css)))


def build():
    if not USWDS.is_dir():
        sys.exit("node_modules/@uswds/uswds is missing: run `npm ci` first.")
    if OUTPUT.exists():
        shutil.rmtree(OUTPUT)
    STYLESHEET.parent.mkdir(parents=True)
    subprocess.run(  # noqa: S603 (a fixed command: the Sass compiler npm installed)
        [
            ROOT / "node_modules" / ".bin" / "sass",
            f"--load-path={USWDS / 'packages'}",
            f"--load-path={SOURCE.parent}",
            "--style=compressed",
            "--no-source-map",
            "--quiet",
            SOURCE,
            STYLESHEET,
        ],
        check=True,
    )
    css = STYLESHEET.read_text()
    copies = {f"dist/{path}": f"static/{path}" for path in referenced_files(css)}
    copies.update(COPIED)
    for source, target in sorted(copies.items()):
        destination = OUTPUT / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(USWDS / source, destination)
    size = STYLESHEET.stat().st_size
    print(
        f"build/: site.css {size // 1024} KB and {len(copies)} files from the design system"
    )


if __name__ == "__main__":
    build()
