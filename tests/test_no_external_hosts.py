from __future__ import annotations

import re
from html.parser import HTMLParser

from django.urls import reverse


class AssetCollector(HTMLParser):
    """Collects every URL a browser would fetch by itself: scripts, styles, images, frames."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "img", "iframe", "source", "video", "audio"} and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def external(urls: list[str]) -> list[str]:
    return [u for u in urls if re.match(r"^(https?:)?//", u)]


def pages_for(project) -> list[str]:
    return [
        reverse("decisions:project_list"),
        reverse("decisions:project_create"),
        reverse("decisions:project_detail", args=[project.pk]),
        reverse("accounts:members", args=[project.organisation_id]),
        reverse("pricing:catalog"),
    ]


def test_no_page_loads_anything_from_another_host(client_for, alice, project):
    client = client_for(alice)
    for url in pages_for(project):
        response = client.get(url)
        assert response.status_code == 200, url
        collector = AssetCollector()
        collector.feed(response.content.decode())
        assert collector.urls, f"{url} loads no assets at all?"
        assert external(collector.urls) == [], url


def test_anonymous_pages_load_nothing_from_another_host(client, db):
    for url in (reverse("login"), reverse("accounts:signup")):
        response = client.get(url)
        assert response.status_code == 200, url
        collector = AssetCollector()
        collector.feed(response.content.decode())
        assert external(collector.urls) == [], url


def test_htmx_and_plotly_are_served_by_us(client_for, alice, project):
    client = client_for(alice)
    page = client.get(reverse("decisions:project_list")).content.decode()
    htmx = re.search(r'<script src="([^"]*htmx[^"]*)"', page)[1]
    assert client.get(htmx).status_code == 200
    from django.templatetags.static import static

    plotly = client.get(static("vendor/plotly/plotly.min.js"))
    assert plotly.status_code == 200
    assert b"plotly" in b"".join(plotly.streaming_content)[:2000].lower()
