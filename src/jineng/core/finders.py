"""A static files finder for single files of node_modules (settings.STATIC_VENDOR_FILES: the
static name -> the file), for packages whose directory is far larger than what a page loads
(echarts' dist holds 50 MB of variants; the pages load echarts.min.js), so collectstatic copies
and compresses only what is served. A file may take a plain name (商丘市.js -> shangqiu.js)."""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import FileSystemStorage


class _OneFile(FileSystemStorage):
    """The storage of one file under its static name (collectstatic copies from it)."""

    def __init__(self, name: str, source: Path):
        super().__init__(location=str(source.parent))
        self.prefix = os.path.dirname(name) or None
        self.names = {os.path.basename(name): source.name}

    def path(self, name):
        return super().path(self.names.get(name, name))


class VendorFileFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.files = {name: Path(source) for name, source in settings.STATIC_VENDOR_FILES.items()}

    def check(self, **kwargs):
        return [
            CheckWarning(f"STATIC_VENDOR_FILES: {source} is missing (npm ci).", id="jineng.W010")
            for source in self.files.values()
            if not source.exists()
        ]

    def find(self, path, find_all=False, **kwargs):
        source = self.files.get(path)
        found = str(source) if source is not None and source.exists() else None
        if find_all or kwargs.get("all"):
            return [found] if found else []
        return found

    def list(self, ignore_patterns):
        for name, source in self.files.items():
            if source.exists():
                yield os.path.basename(name), _OneFile(name, source)
