"""What the pubsub_server tests share: servers they start, and a raw client.

Every server a test starts is its own process on an ephemeral loopback port,
stopped (and killed if need be) when the test ends, whether it passed or not.
The path of pubsub_server comes from the PUBSUB_SERVER environment variable
(CTest sets it). Tools that a test needs and that are missing make the test
fail with a message saying what to install: they are never skipped.
"""

import ctypes
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

# Generous: tests wait for an event, they never sleep for a fixed time.
TIMEOUT = 10.0


def require_program(name, package):
    """The path of `name`, or a failure naming the Debian package to install."""
    path = shutil.which(name)
    if path is None:
        raise AssertionError(f"{name} is missing: apt-get install {package}")
    return path


def command(*args):
    """A request as a RESP array of bulk strings."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, str):
            arg = arg.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(out)


def bulk(value):
    if isinstance(value, str):
        value = value.encode()
    return b"$%d\r\n%s\r\n" % (len(value), value)


def push(*items):
    """A RESP array of bulk strings and integers (ints), as servers push them."""
    out = [b"*%d\r\n" % len(items)]
    for item in items:
        if isinstance(item, int):
            out.append(b":%d\r\n" % item)
        elif item is None:
            out.append(b"$-1\r\n")
        else:
            out.append(bulk(item))
    return b"".join(out)


def _die_with_the_test():
    """In a child, before exec: a SIGKILL when the test process dies, however it dies."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def spawn(args, **kwargs):
    """Starts a child process that cannot outlive the test, even one killed by CTest."""
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, preexec_fn=_die_with_the_test,
                            **kwargs)


class LineReader:
    """Reads the lines a child prints, with a deadline."""

    def __init__(self, stream):
        self.fd = stream.fileno()
        self.buffer = b""

    def lines(self, count, timeout=TIMEOUT):
        """The next `count` lines, without their newlines, or a failure after `timeout`."""
        deadline = time.monotonic() + timeout
        while self.buffer.count(b"\n") < count:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise AssertionError(f"no {count} lines within {timeout} s: {self.buffer!r}")
            data = os.read(self.fd, 4096)
            if not data:
                raise AssertionError(f"the output ended after {self.buffer!r}")
            self.buffer += data
        *lines, self.buffer = self.buffer.split(b"\n", count)
        return [line.decode() for line in lines]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A server process, stopped when the test ends."""

    def __init__(self, args, test, capture_stdout=True):
        self.log = tempfile.NamedTemporaryFile(prefix="pubsub-test-", suffix=".log")
        self.process = spawn(args, stdout=subprocess.PIPE if capture_stdout else self.log,
                             stderr=self.log)
        test.addCleanup(self.stop)
        self.stdout = LineReader(self.process.stdout) if capture_stdout else None

    def read_stdout_line(self):
        """The next line the process prints, or a failure naming what it logged."""
        try:
            return self.stdout.lines(1)[0]
        except AssertionError as e:
            raise AssertionError(f"{e}; log: {self.log_text()}") from None

    def log_text(self):
        with open(self.log.name, "rb") as f:
            return f.read().decode(errors="replace")

    def wait_for_log(self, text, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while text not in self.log_text():
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not in the log: {self.log_text()}")
            time.sleep(0.05)

    def signal(self, number):
        self.process.send_signal(number)

    def wait(self, timeout=TIMEOUT):
        return self.process.wait(timeout)

    def stop(self):
        """Stops the process; fails unless it exits with 0 (a sanitizer's report, a crash)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        log = self.log_text()
        if self.process.stdout:
            self.process.stdout.close()
        self.log.close()
        if self.process.returncode != 0:
            raise AssertionError(f"the server exited with {self.process.returncode}; log:\n{log}")


def pubsub_server_path():
    """The pubsub_server program, from the PUBSUB_SERVER environment variable."""
    path = os.environ.get("PUBSUB_SERVER")
    if not path or not os.access(path, os.X_OK):
        raise AssertionError("set PUBSUB_SERVER to the pubsub_server program")
    return path


def start_pubsub_server(test, *options):
    """Starts pubsub_server on an ephemeral port; returns (process, port)."""
    process = Process([pubsub_server_path(), "--port", "0", *options], test)
    line = process.read_stdout_line()
    test.assertRegex(line, r"^listening on 127\.0\.0\.1:\d+$")
    return process, int(line.rsplit(":", 1)[1])


def start_redis_server(test):
    """Starts redis-server on a free port, without persistence; returns (process, port)."""
    path = require_program("redis-server", "redis-server")
    for _ in range(5):
        port = free_port()
        process = Process([path, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                           "--appendonly", "no", "--logfile", ""], test, capture_stdout=False)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and process.process.poll() is None:
            try:
                with Client(port) as client:
                    client.send(b"PING\r\n")
                    if client.read_exactly(7) == b"+PONG\r\n":
                        return process, port
            except (OSError, AssertionError):
                time.sleep(0.05)
        process.stop()
    raise AssertionError("redis-server did not start")


class Client:
    """A raw connection that reads with a deadline, never with a fixed sleep."""

    def __init__(self, port, timeout=TIMEOUT, receive_buffer=None):
        self.sock = socket.socket()
        try:
            if receive_buffer is not None:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
            self.sock.settimeout(timeout)
            self.sock.connect(("127.0.0.1", port))
        except OSError:
            self.sock.close()
            raise
        self.timeout = timeout
        self.buffer = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out; received so far: {self.buffer[:300]!r}")
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(1 << 16)
        except socket.timeout:
            raise AssertionError(f"timed out; received so far: {self.buffer[:300]!r}")
        if not data:
            raise EOFError(self.buffer)
        self.buffer += data

    def read_exactly(self, n):
        deadline = time.monotonic() + self.timeout
        while len(self.buffer) < n:
            self._fill(deadline)
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def read_until(self, suffix):
        """Everything up to and including the first `suffix`."""
        deadline = time.monotonic() + self.timeout
        while suffix not in self.buffer:
            self._fill(deadline)
        end = self.buffer.index(suffix) + len(suffix)
        data, self.buffer = self.buffer[:end], self.buffer[end:]
        return data

    def read_to_eof(self):
        """Everything until the server closes the connection."""
        deadline = time.monotonic() + self.timeout
        try:
            while True:
                self._fill(deadline)
        except (EOFError, ConnectionResetError):
            pass
        data, self.buffer = self.buffer, b""
        return data

    def expect(self, test, expected):
        """Asserts that the next bytes are exactly `expected`."""
        test.assertEqual(self.read_exactly(len(expected)), expected)

    def request(self, data, subscribed=False):
        """Sends `data` then a marker PING, and returns every byte before its reply.

        The marker's reply ends the replies to `data`, so no timing is
        involved; pass `subscribed` when the client will be in subscribed
        mode by then, where PING replies with a push.
        """
        self.send(data + command("PING", MARKER))
        reply = push("pong", MARKER) if subscribed else bulk(MARKER)
        return self.read_until(reply)[:-len(reply)]


MARKER = "end-of-replies"


class ServerTest(unittest.TestCase):
    """A test case with a pubsub_server of its own, started for each test."""

    server_options = ()

    def setUp(self):
        self.server, self.port = start_pubsub_server(self, *self.server_options)

    def client(self):
        c = Client(self.port)
        self.addCleanup(c.close)
        return c

    def subscribed_client(self, *requests):
        """A client that has sent each of `requests` (SUBSCRIBE...) and read the replies."""
        c = self.client()
        for r in requests:
            c.request(r, subscribed=True)
        return c
