"""The library server cannot be starved: idle and half-sent connections are closed, and one
greedy client address cannot hold the connections every phone on the hotspot needs.

Everything runs over real HTTP on the loopback range (127.0.0.1 serves; clients bind
127.0.0.2, 127.0.0.3, ... so the server sees distinct addresses, as phones on a hotspot are).
Loops are bounded in count; socket timeouts only keep a broken server from hanging the test.
"""

from __future__ import annotations

import http.client
import resource
import socket
from pathlib import Path

import pytest

from bundler.catalog.server import MAX_CONNECTIONS, LibraryServer

GREEDY_SOCKETS = 600  # over the global limit of 512
SAFETY_TIMEOUT = 30.0  # seconds a socket may wait before the test calls the server broken


@pytest.fixture
def dist(tmp_path) -> Path:
    folder = tmp_path / "dist"
    folder.mkdir()
    (folder / "index.html").write_text("<!DOCTYPE html><title>Library</title><p>Library</p>\n", encoding="utf-8")
    return folder


def connect(port: int, source: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=SAFETY_TIMEOUT, source_address=(source, 0))
    sock.settimeout(SAFETY_TIMEOUT)
    return sock


def closed_by_server(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (raises on the safety timeout)."""
    received = b""
    while chunk := sock.recv(4096):
        received += chunk
    return received


def phone_fetch(port: int, source: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=SAFETY_TIMEOUT, source_address=(source, 0))
    try:
        connection.request("GET", "/index.html")
        response = connection.getresponse()
        body = response.read()
        assert response.status != 200 or b"Library" in body
        return response.status
    finally:
        connection.close()


def test_a_connection_that_sends_nothing_is_closed(dist):
    with LibraryServer(dist, head_seconds=1.0) as server:
        idle = connect(server.port, "127.0.0.2")
        assert closed_by_server(idle) == b""  # closed without a word: it never asked for anything
        idle.close()
        assert phone_fetch(server.port, "127.0.0.3") == 200


def test_a_request_head_sent_a_byte_at_a_time_does_not_keep_the_connection(dist):
    """Slowloris: bytes that trickle in do not extend the deadline for the request head."""
    with LibraryServer(dist, head_seconds=1.0) as server:
        slow = connect(server.port, "127.0.0.2")
        slow.sendall(b"GET /index.html HTTP/1.1\r\nHost: library\r\n")
        slow.settimeout(0.2)
        closed = False
        for _ in range(100):  # at most 100 bytes, 0.2 s apart: 20 times the deadline
            try:
                if slow.recv(4096) == b"":
                    closed = True
                    break
            except TimeoutError:
                pass
            try:
                slow.sendall(b"X")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
        slow.close()
        assert closed, "the server kept a connection whose request head never finished"


def test_a_keep_alive_connection_gets_the_same_deadline_after_its_response(dist):
    with LibraryServer(dist, head_seconds=1.0) as server:
        sock = connect(server.port, "127.0.0.2")
        sock.sendall(b"GET /index.html HTTP/1.1\r\nHost: library\r\n\r\n")
        first = sock.recv(4096)
        assert first.startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /index.html HTTP/1.1\r\n")  # a second request that never finishes
        assert b"HTTP/1.1" not in closed_by_server(sock)
        sock.close()


def test_one_greedy_client_cannot_starve_the_others(dist):
    """600 half-sent connections from one address (over the global limit of 512): every phone still gets 200."""
    assert GREEDY_SOCKETS > MAX_CONNECTIONS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4 * GREEDY_SOCKETS:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4 * GREEDY_SOCKETS), hard))
    greedy: list[socket.socket] = []
    try:
        with LibraryServer(dist, head_seconds=600.0, per_client=64) as server:  # the deadline is not what is tested here
            for _ in range(GREEDY_SOCKETS):
                sock = connect(server.port, "127.0.0.2")
                try:
                    sock.sendall(b"GET /index.html HTTP/1.1\r\nHost: library\r\nX-Slow: ")  # and never more
                except (BrokenPipeError, ConnectionResetError):
                    pass  # already refused
                greedy.append(sock)
            refused = 0
            for sock in greedy[64:]:
                try:
                    answer = closed_by_server(sock)
                except ConnectionResetError:
                    answer = b""
                assert answer == b"" or answer.startswith(b"HTTP/1.1 503"), answer[:80]
                refused += 1
            assert refused == GREEDY_SOCKETS - 64
            statuses = [phone_fetch(server.port, f"127.0.0.{3 + n}") for n in range(20)]
            assert statuses == [200] * 20
            for sock in greedy[:64]:  # the greedy client's first 64 are still held, not dropped
                sock.setblocking(False)
                with pytest.raises(BlockingIOError):
                    sock.recv(1)
    finally:
        for sock in greedy:
            sock.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
