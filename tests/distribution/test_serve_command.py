"""``bundler serve`` as a user runs it: a real process, its printed addresses and QR code, Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

from tests.distribution.conftest import fetch


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_serve(dist, port: int, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "bundler", "serve", str(dist), "--host", "127.0.0.1", "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def read_until(process: subprocess.Popen, marker: str, timeout: float = 30) -> str:
    lines = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            return "".join(lines)
    raise AssertionError("no " + marker + " in output:\n" + "".join(lines) + process.stderr.read())


def test_serve_prints_addresses_and_qr_and_stops_on_ctrl_c(library, tmp_path):
    dist = tmp_path / "dist"
    shutil.copytree(library.dist, dist, symlinks=True)
    (dist / "opds.xml").unlink()  # serve writes the catalogue first
    port = free_port()
    process = start_serve(dist, port)
    try:
        output = read_until(process, "Ctrl-C")
        url = f"http://127.0.0.1:{port}/"
        assert f"page for browsers:   {url}" in output
        assert f"OPDS for e-readers:  {url}opds.xml" in output
        assert "█" in output and ("▀" in output or "▄" in output), "a QR code is drawn in the terminal"
        status, headers, _ = fetch(url + "opds.xml")
        assert status == 200 and "opds-catalog" in headers["Content-Type"]
        status, _, page = fetch(url)
        assert status == 200 and f'<code class="opds-address">{url}opds.xml</code>'.encode() in page  # the full address, typed into an app
        status, _, body = fetch(url + "aleppo-2016/dossier.json")
        assert status == 200 and b'"Aleppo 2016"' in body
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err


def test_serve_on_a_busy_port_is_a_clear_error(library):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        process = start_serve(library.dist, port, "--no-catalog")
        out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in err and "--port" in err and "Traceback" not in err
