"""Compile the translation catalogues: locale/*/LC_MESSAGES/django.po into django.mo.

    python -m nakai_dx.catalogues   # make setup, make test and the deployment steps run this

Django's ``compilemessages`` runs GNU gettext's msgfmt, which a new machine may
not have; Babel does the same in Python and installs with the project. A
catalogue is compiled again only when its .po is newer than its .mo, and
written under another name first, so a server or a test process never reads
half a file. Fuzzy entries are left out, as msgfmt leaves them out
(tests/test_translations.py fails on any).
"""

import os
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogues():
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))


def compile_catalogues(force=False):
    """Compile each catalogue that changed; returns the .mo files written."""
    written = []
    for po in catalogues():
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        partial = mo.with_name(f".{mo.name}.{os.getpid()}")
        with partial.open("wb") as target:
            write_mo(target, catalog)
        partial.replace(mo)
        written.append(mo)
    return written


if __name__ == "__main__":
    for mo in compile_catalogues(force="--force" in sys.argv):
        print(f"compiled {mo.relative_to(LOCALE_DIR.parent)}")
