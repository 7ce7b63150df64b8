"""The PDF is the report page printed by headless Chromium: one page per section, and
its chart pages carry drawn charts (checked on the rendered pixels, not the markup)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from tests.conftest import require

pytestmark = pytest.mark.browser


def pgm_ink(pgm: bytes) -> float:
    """Share of pixels darker than near-white in a binary PGM (P5) image."""
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", pgm)
    pixels = pgm[header.end() :]
    return sum(1 for value in pixels if value < 230) / len(pixels)


@pytest.fixture
def pdf_tools():
    require(shutil.which("chromium") is not None, "Debian's chromium is not installed")
    require(shutil.which("pdftoppm") is not None, "poppler-utils (pdftoppm) is not installed")


def test_pdf_has_a_page_per_section_and_drawn_charts(
    pdf_tools, client_for, alice, result, scenario, tmp_path
):
    client = client_for(alice)
    page = client.get(reverse("reports:report", args=[scenario.pk])).content.decode()
    sections = re.findall(r'<section class="report-section" id="([a-z]+)"', page)
    response = client.get(reverse("reports:pdf", args=[scenario.pk]))
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout)[1])
    assert pages == len(sections) == 7

    ink = {}
    for number, section in enumerate(sections, start=1):
        png = subprocess.run(
            ["pdftoppm", "-f", str(number), "-l", str(number), "-r", "40", "-gray", str(pdf)],
            capture_output=True,
            check=True,
        )
        ink[section] = pgm_ink(png.stdout)
    # A page with only a heading is almost white; a drawn chart page is not.
    for section in ("costs", "uncertainty", "volume"):
        assert ink[section] > 0.02, ink
    assert ink["questions"] > 0.002, ink
