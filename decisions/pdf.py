"""The report as a PDF, printed server-side by headless Chromium (Debian's `chromium`).

The report is rendered in "print" mode, whose scripts and styles are plain file names;
they are copied next to the HTML in a temporary folder, so Chromium needs no network,
no session and no running server, and the charts are drawn by the same charts.js.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static

# The assets a report page loads: key -> (file name in the PDF folder, static path).
REPORT_ASSETS = {
    "css": ("tunecase.css", "css/tunecase.css"),
    "report_css": ("report.css", "css/report.css"),
    "plotly": ("plotly.min.js", "vendor/plotly/plotly.min.js"),
    "charts": ("charts.js", "js/charts.js"),
}

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
    "--virtual-time-budget=10000",  # let charts.js draw before printing
]


class PdfUnavailable(Exception):
    """No renderer on this machine; the message says what to install."""


def report_assets(*, for_pdf: bool) -> dict[str, str]:
    """URLs of the report's assets: static URLs on the web, bare names in the PDF folder."""
    return {key: name if for_pdf else static(path) for key, (name, path) in REPORT_ASSETS.items()}


def chromium_path() -> str | None:
    return shutil.which(getattr(settings, "CHROMIUM_PATH", "chromium"))


def pdf_unavailable_reason() -> str | None:
    if chromium_path() is None:
        return (
            "PDF download needs Chromium on the server (Debian: apt-get install chromium). "
            "Use your browser's Print to PDF meanwhile: the page has a print layout."
        )
    return None


def html_to_pdf(html: str) -> bytes:
    """Print report HTML (rendered with report_assets(for_pdf=True)) to PDF bytes."""
    reason = pdf_unavailable_reason()
    if reason:
        raise PdfUnavailable(reason)
    with tempfile.TemporaryDirectory(prefix="tunecase-pdf-") as folder:
        root = Path(folder)
        for name, path in REPORT_ASSETS.values():
            found = finders.find(path)
            if found:
                shutil.copyfile(found, root / name)
        (root / "report.html").write_text(html, encoding="utf-8")
        target = root / "report.pdf"
        done = subprocess.run(
            [
                chromium_path(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={root / 'profile'}",
                f"--print-to-pdf={target}",
                (root / "report.html").as_uri(),
            ],
            capture_output=True,
            timeout=90,
        )
        if done.returncode != 0 or not target.exists():
            raise PdfUnavailable(f"Chromium could not print the report (exit {done.returncode})")
        return target.read_bytes()
