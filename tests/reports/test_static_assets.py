"""What a first visit downloads: plotly's basic bundle only on pages with charts, compressed HTML."""

import gzip

import pytest
from django.contrib.staticfiles import finders
from whitenoise.compress import Compressor

pytestmark = pytest.mark.django_db

BUNDLE = "vendor/plotly/plotly-basic.min.js"


def test_only_plotlys_basic_bundle_is_collected():
    assert finders.find(BUNDLE)
    assert finders.find("vendor/plotly/LICENSE.txt")
    assert finders.find("vendor/plotly/plotly.min.js") is None
    collected = [
        path
        for path, _ in finders.get_finder(
            "django.contrib.staticfiles.finders.FileSystemFinder"
        ).list([])
        if path.endswith(".js")
    ]
    assert [path for path in collected if "plotly" in path] == [BUNDLE]


def test_the_bundle_is_plotly_3_7_0():
    with open(finders.find(BUNDLE), encoding="utf-8") as bundle:
        assert "plotly.js (basic - minified) v3.7.0" in bundle.read(200)


def test_collectstatic_writes_brotli_as_well_as_gzip(tmp_path):
    bundle = tmp_path / "plotly-basic.min.js"
    bundle.write_bytes(open(finders.find(BUNDLE), "rb").read())
    written = Compressor(quiet=True).compress(str(bundle))
    assert sorted(path.rsplit(".", 1)[1] for path in written) == ["br", "gz"]
    sizes = {path.rsplit(".", 1)[1]: (tmp_path / path).stat().st_size for path in written}
    assert sizes["br"] < sizes["gz"] < 400 * 1024


def test_the_bundle_is_loaded_only_on_pages_with_charts(client, town_data):
    assert BUNDLE in client.get("/").content.decode()
    assert BUNDLE in client.get("/plans/nakai-dx-1.0/areas/1/").content.decode()
    assert BUNDLE not in client.get("/opendata/").content.decode()
    assert BUNDLE not in client.get("/plans/nakai-dx-1.0/").content.decode()


def test_html_is_gzipped_for_a_browser_that_accepts_it(client, town_data):
    plain = client.get("/")
    assert "Content-Encoding" not in plain
    packed = client.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    # The cached copy is kept per encoding: the next plain reader gets plain HTML.
    assert client.get("/").content == plain.content
