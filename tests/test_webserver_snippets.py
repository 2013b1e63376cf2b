"""The web server snippets that kg site writes negotiate content as kg serve does: nginx's
(_kg/nginx.conf) and Apache's (the site's .htaccess, also _kg/apache.conf).

The tests run nginx (Debian's nginx-light) and Apache (Debian's apache2) on free loopback ports,
with the snippet included in the server block, or read from the site's .htaccess. Without them
they skip, unless KG_REQUIRE_STORES=1 (as in CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests


def _program(name: str, package: str) -> str:
    """The server's executable; without it the test skips, or fails where KG_REQUIRE_STORES=1 (CI)."""
    program = shutil.which(name) or next((p for p in (f"/usr/sbin/{name}",) if Path(p).is_file()), None)
    if program is None:
        if os.environ.get("KG_REQUIRE_STORES") == "1":
            pytest.fail(f"KG_REQUIRE_STORES=1 but {name} is not installed (Debian: apt-get install {package})")
        pytest.skip(f"{name} is not installed (Debian: apt-get install {package})")
    return program


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _running(name: str, command: list[str], folder: Path, port: int, seconds: float):
    """The server started by `command`, once it answers on `port`; stopped after. Its output and
    error.log (in `folder`) are the failure message when it does not start in `seconds`."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + seconds
        while True:
            try:
                requests.get(url + "/", timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode(errors="replace") if process.poll() is not None else ""
                    log = (folder / "error.log").read_text(errors="replace") if (folder / "error.log").exists() else ""
                    pytest.fail(f"{name} did not start: {output}{log}")
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def nginx(seed_site, tmp_path_factory):
    program = _program("nginx", "nginx-light")
    folder = tmp_path_factory.mktemp("nginx")
    port = _free_port()
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
    with _running("nginx", [program, "-c", str(folder / "nginx.conf"), "-p", str(folder)], folder, port, 10) as url:
        yield url


def get(url: str, accept: str | None = None) -> requests.Response:
    return requests.get(url, headers={"Accept": accept} if accept else {}, allow_redirects=False, timeout=10)


# Apache ----------------------------------------------------------------------------------------

_APACHE_MODULES = Path("/usr/lib/apache2/modules")


@pytest.fixture(scope="module")
def apache(seed_site):
    """Apache 2.4 (Debian's apache2) on a free loopback port, serving a copy of the seed's site with
    the .htaccess kg site wrote."""
    program = _program("apache2", "apache2")
    if not _APACHE_MODULES.is_dir():
        if os.environ.get("KG_REQUIRE_STORES") == "1":
            pytest.fail(f"KG_REQUIRE_STORES=1 but {_APACHE_MODULES} is missing (Debian: apt-get install apache2)")
        pytest.skip(f"{_APACHE_MODULES} is missing (Debian: apt-get install apache2)")
    # Apache's children run as an unprivileged user: the site goes where that user can read it.
    folder = Path(tempfile.mkdtemp(prefix="kg-apache-"))
    try:
        folder.chmod(0o755)
        site = folder / "site"
        shutil.copytree(seed_site, site)
        for path in [site, *site.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        port = _free_port()
        modules = "\n".join(f"LoadModule {name}_module {_APACHE_MODULES / f'mod_{name}.so'}"
                            for name in ("mpm_event", "authz_core", "dir", "mime", "rewrite", "headers"))
        user = "User nobody\nGroup nogroup" if os.geteuid() == 0 else ""
        (folder / "httpd.conf").write_text(f"""
ServerRoot {folder}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {folder / 'httpd.pid'}
ErrorLog {folder / 'error.log'}
{user}
{modules}
TypesConfig /etc/mime.types
DocumentRoot {site}
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory {site}>
    AllowOverride All
    Require all granted
</Directory>
""")
        with _running("Apache", [program, "-f", str(folder / "httpd.conf"), "-DFOREGROUND"], folder, port, 15) as url:
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# Both servers ----------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=["nginx", "apache"])
def server(request) -> str:
    """The URL of nginx, then of Apache, each serving the seed's site through kg's snippet."""
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("accept, location, media", [
    ("text/turtle", "/person/hun-sen.ttl", "text/turtle"),
    ("application/ld+json", "/person/hun-sen.jsonld", "application/ld+json"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", "/person/hun-sen/", "text/html"),
])
def test_web_server_answers_a_resource_iri_with_303_to_its_document(server, accept, location, media):
    answer = get(server + "/person/hun-sen", accept)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(location)
    assert "Accept" in answer.headers.get("Vary", "")
    document = get(server + location, accept)
    assert document.status_code == 200
    assert document.headers["Content-Type"].startswith(media)


def test_web_server_serves_folders_documents_and_404(server):
    assert "Hun Sen" in get(server + "/person/hun-sen/").text
    assert get(server + "/").status_code == 200
    charge = get(server + "/charge/", "text/turtle")
    assert charge.status_code == 303 and charge.headers["Location"].endswith("/charge/index.ttl")
    assert get(server + "/charge/index.ttl").headers["Content-Type"].startswith("text/turtle")
    assert get(server + "/.well-known/void").headers["Content-Type"].startswith("text/turtle")
    missing = get(server + "/person/nobody")
    assert missing.status_code == 404 and "Nothing here" in missing.text
