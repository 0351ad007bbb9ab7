"""Imports through the API over real HTTP, run by the real task worker: upload a roster,
poll the job until it is done, fetch the rejected rows as xlsx."""

import io
import json
import time
import uuid
from pathlib import Path

from openpyxl import load_workbook

from tests.core.test_api_http import call, token_for

DATA = Path(__file__).parents[1] / "data"


def multipart(fields: dict[str, str], file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_upload_poll_and_fetch_the_error_report(live_url):
    import urllib.request

    token = token_for(live_url, "county_reviewer")
    body, content_type = multipart(
        {"kind": "people"}, "roster-bad.xlsx", (DATA / "roster-bad.xlsx").read_bytes()
    )
    request = urllib.request.Request(  # noqa: S310 - loopback
        live_url + "/api/v1/imports/", data=body, method="POST"
    )
    request.add_header("Authorization", f"Token {token}")
    request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        assert response.status == 202
        job = json.loads(response.read())
    deadline = time.monotonic() + 60
    while job["status"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.5)
        _, raw, _ = call(live_url, f"/api/v1/imports/{job['id']}/", token=token)
        job = json.loads(raw)
    assert job["status"] == "done", job
    assert job["report"]["created"] == 3 and job["report"]["rejected"] == 10
    status, content, _ = call(
        live_url,
        f"/api/v1/imports/{job['id']}/errors/",
        token=token,
        headers={"Accept": "*/*"},
    )
    assert status == 200
    rows = list(load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows())
    assert len(rows) == 11
    other = token_for(live_url, "department")
    assert call(live_url, f"/api/v1/imports/{job['id']}/", token=other)[0] == 404
