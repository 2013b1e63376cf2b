"""The nginx snippet that kg site writes (_kg/nginx.conf) negotiates content as kg serve does.

The test runs nginx (Debian's nginx-light) on a free loopback port with the snippet included in
its server block. Without nginx it skips, unless KG_REQUIRE_STORES=1 (as in CI), where it fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests


def _nginx() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).is_file()), None)


@pytest.fixture(scope="module")
def nginx(seed_site, tmp_path_factory):
    program = _nginx()
    if program is None:
        if os.environ.get("KG_REQUIRE_STORES") == "1":
            pytest.fail("KG_REQUIRE_STORES=1 but nginx is not installed (Debian: apt-get install nginx-light)")
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)")
    folder = tmp_path_factory.mktemp("nginx")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").is_file() else ""
    temporary = " ".join(f"{name}_temp_path {folder / name};" for name in ("client_body", "proxy", "fastcgi",
                                                                          "uwsgi", "scgi"))
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(f"""
{user}
daemon off;
worker_processes 1;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'};
events {{ worker_connections 64; }}
http {{
    {mime}
    default_type application/octet-stream;
    access_log off;
    {temporary}
    server {{
        listen 127.0.0.1:{port};
        root {seed_site};
        include {seed_site / '_kg' / 'nginx.conf'};
    }}
}}
""")
    process = subprocess.Popen([program, "-c", str(folder / "nginx.conf"), "-p", str(folder)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                requests.get(url + "/", timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode(errors="replace") if process.poll() is not None else ""
                    log = (folder / "error.log").read_text(errors="replace") if (folder / "error.log").exists() else ""
                    pytest.fail(f"nginx did not start: {output}{log}")
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def get(url: str, accept: str | None = None) -> requests.Response:
    return requests.get(url, headers={"Accept": accept} if accept else {}, allow_redirects=False, timeout=10)


@pytest.mark.parametrize("accept, location, media", [
    ("text/turtle", "/person/hun-sen.ttl", "text/turtle"),
    ("application/ld+json", "/person/hun-sen.jsonld", "application/ld+json"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", "/person/hun-sen/", "text/html"),
])
def test_nginx_answers_a_resource_iri_with_303_to_its_document(nginx, accept, location, media):
    answer = get(nginx + "/person/hun-sen", accept)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(location)
    assert "Accept" in answer.headers.get("Vary", "")
    document = get(nginx + location, accept)
    assert document.status_code == 200
    assert document.headers["Content-Type"].startswith(media)


def test_nginx_serves_folders_documents_and_404(nginx):
    assert "Hun Sen" in get(nginx + "/person/hun-sen/").text
    assert get(nginx + "/").status_code == 200
    charge = get(nginx + "/charge/", "text/turtle")
    assert charge.status_code == 303 and charge.headers["Location"].endswith("/charge/index.ttl")
    assert get(nginx + "/charge/index.ttl").headers["Content-Type"].startswith("text/turtle")
    assert get(nginx + "/.well-known/void").headers["Content-Type"].startswith("text/turtle")
    missing = get(nginx + "/person/nobody")
    assert missing.status_code == 404 and "Nothing here" in missing.text
