"""pubsub_server under abuse: slow subscribers, thousands of clients, clients
that vanish, signals and bad command lines. No client may crash the server or
disturb another.
"""

import resource
import selectors
import signal
import socket
import struct
import subprocess
import time
import unittest

from pubsub_support import (TIMEOUT, Client, ServerTest, command, pubsub_server_path, push,
                            start_pubsub_server)


def wait_until(predicate, what, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def kernel_send_buffer_max():
    """The most a TCP socket's send buffer may grow to (the third field of tcp_wmem)."""
    with open("/proc/sys/net/ipv4/tcp_wmem") as f:
        return int(f.read().split()[2])


def publish_count(port, channel):
    with Client(port) as c:
        return int(c.request(command("PUBLISH", channel, "probe"))[1:-2])


class SlowSubscriberTest(ServerTest):
    server_options = ("--output-buffer-limit", "256kb")

    def test_a_subscriber_that_never_reads_is_dropped_and_the_others_get_everything(self):
        slow = Client(self.port, receive_buffer=4096)
        self.addCleanup(slow.close)
        slow.request(command("SUBSCRIBE", "c"), subscribed=True)
        fast = self.subscribed_client(command("SUBSCRIBE", "c"))

        # Publish until the slow one is dropped (kernel buffers hide a few MB),
        # in batches the fast one can take without nearing the limit.
        publisher = self.client()
        sent = 0
        counts = []
        while "output buffer over the limit" not in self.server.log_text():
            self.assertLess(sent, 20_000, "the slow subscriber was never dropped")
            publisher.send(b"".join(command("PUBLISH", "c", b"%06d" % (sent + i) + b"x" * 1000)
                                    for i in range(100)))
            counts += [publisher.read_until(b"\r\n") for _ in range(100)]
            self.drain(fast, sent, sent + 100)
            sent += 100
        # Once dropped, the slow one no longer counts.
        self.assertEqual(publisher.request(command("PUBLISH", "c", "after")), b":1\r\n")
        self.assertEqual(set(counts), {b":2\r\n", b":1\r\n"})
        self.assertEqual(counts[0], b":2\r\n")
        # What the server took on for the slow one fits in the limit and the
        # kernel's socket buffers: its memory for a client is bounded.
        taken = counts.count(b":2\r\n") * len(push("message", "c", b"x" * 1006))
        self.assertLess(taken, 256 * 1024 + kernel_send_buffer_max() + 64 * 1024)
        fast.expect(self, push("message", "c", "after"))
        self.server.signal(signal.SIGTERM)
        self.assertEqual(self.server.wait(), 0)
        self.assertIn("output_buffer_disconnects=1 ", self.server.log_text())
        # The slow one finds its connection closed after what it was sent.
        first = push("message", "c", b"000000" + b"x" * 1000)
        self.assertEqual(slow.read_to_eof()[:len(first)], first)

    def drain(self, fast, first, end):
        for i in range(first, end):
            fast.expect(self, push("message", "c", b"%06d" % i + b"x" * 1000))


class ManyConnectionsTest(ServerTest):
    CLIENTS = 2000

    def setUp(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        needed = self.CLIENTS + 200
        if soft < needed:
            if hard != resource.RLIM_INFINITY and hard < needed:
                self.fail(f"the open files limit ({hard}) is below {needed}: raise ulimit -Hn")
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
        super().setUp()

    def test_thousands_of_subscribers_all_receive(self):
        selector = selectors.DefaultSelector()
        clients = []
        for _ in range(self.CLIENTS):
            c = Client(self.port)
            self.addCleanup(c.close)
            c.send(command("SUBSCRIBE", "many"))
            clients.append(c)
        for c in clients:
            c.expect(self, push("subscribe", "many", 1))
        publisher = self.client()
        self.assertEqual(publisher.request(command("PUBLISH", "many", "hello")), b":%d\r\n"
                         % self.CLIENTS)
        expected = push("message", "many", "hello")
        for c in clients:
            selector.register(c.sock, selectors.EVENT_READ, c)
        pending = set(clients)
        deadline = time.monotonic() + TIMEOUT
        while pending:
            self.assertLess(time.monotonic(), deadline, f"{len(pending)} got nothing")
            for key, _ in selector.select(1.0):
                c = key.data
                c.buffer += c.sock.recv(1 << 16)
                if len(c.buffer) >= len(expected):
                    self.assertEqual(c.buffer, expected)
                    pending.discard(c)
                    selector.unregister(c.sock)
        for c in clients:
            c.close()
        wait_until(lambda: publish_count(self.port, "many") == 0, "the subscriptions to end")


class VanishingClientTest(ServerTest):
    def test_clients_vanishing_mid_request_affect_no_one(self):
        subscriber = self.subscribed_client(command("SUBSCRIBE", "c"))
        halves = [b"*3\r\n$7\r\npublish\r\n$1\r\nc", b"*3\r\n$7\r\npub", b"*2",
                  b"*2\r\n$4\r\nPING\r\n$100000000\r\n" + b"x" * 50000, b"PING \"unfinished"]
        for half in halves:
            with socket.create_connection(("127.0.0.1", self.port)) as s:
                s.sendall(half)
        publisher = self.client()
        self.assertEqual(publisher.request(command("PUBLISH", "c", "fine")), b":1\r\n")
        subscriber.expect(self, push("message", "c", "fine"))

    def test_a_subscriber_vanishing_with_messages_queued_is_forgotten(self):
        gone = Client(self.port)
        gone.request(command("SUBSCRIBE", "c"), subscribed=True)
        stays = self.subscribed_client(command("SUBSCRIBE", "c"))
        publisher = self.client()
        publisher.send(b"".join(command("PUBLISH", "c", "x" * 10000) for _ in range(200)))
        # Closing with a reset, as a crashed client's system would.
        gone.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        gone.close()
        for _ in range(200):
            self.assertIn(publisher.read_until(b"\r\n"), [b":1\r\n", b":2\r\n"])
        for _ in range(200):
            stays.expect(self, push("message", "c", "x" * 10000))
        wait_until(lambda: publish_count(self.port, "c") == 1, "the vanished subscriber to go")
        stays.expect(self, push("message", "c", "probe"))


class SignalTest(unittest.TestCase):
    def check_graceful_exit(self, number, name):
        server, port = start_pubsub_server(self)
        subscriber = Client(port)
        self.addCleanup(subscriber.close)
        subscriber.request(command("SUBSCRIBE", "c"), subscribed=True)
        publisher = Client(port)
        self.addCleanup(publisher.close)
        self.assertEqual(publisher.request(command("PUBLISH", "c", "m")), b":1\r\n")
        self.assertEqual(publisher.request(command("PUBLISH", "nobody", "m")), b":0\r\n")
        subscriber.expect(self, push("message", "c", "m"))
        half = Client(port)
        self.addCleanup(half.close)
        half.request(b"")  # accepted for sure
        half.send(b"*3\r\n$7\r\npublish\r\n")
        server.signal(number)
        self.assertEqual(server.wait(), 0)
        self.assertEqual(subscriber.read_to_eof(), b"")
        self.assertEqual(half.read_to_eof(), b"")
        log = server.log_text()
        self.assertIn(f"{name} received, shutting down", log)
        self.assertIn("connections_accepted=3 ", log)
        self.assertIn("messages_published=2 messages_delivered=1\n", log)
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT).close()

    def test_sigterm_closes_every_client_and_exits_with_0(self):
        self.check_graceful_exit(signal.SIGTERM, "SIGTERM")

    def test_sigint_closes_every_client_and_exits_with_0(self):
        self.check_graceful_exit(signal.SIGINT, "SIGINT")


class CommandLineTest(unittest.TestCase):
    def run_server(self, *args):
        return subprocess.run([pubsub_server_path(), *args], capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=TIMEOUT)

    def test_bad_options_are_refused_with_the_usage(self):
        for args in [("--port", "x"), ("--port", "65536"), ("--max-bulk-len", "1zb"),
                     ("--output-buffer-limit", "-1"), ("--bind", "nowhere"), ("--verbose", "1"),
                     ("--port",)]:
            with self.subTest(args=args):
                result = self.run_server(*args)
                self.assertEqual(result.returncode, 2)
                self.assertIn(b"usage: pubsub_server", result.stderr)

    def test_a_port_in_use_is_an_error(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            result = self.run_server("--port", str(port))
        self.assertEqual(result.returncode, 1)
        self.assertIn(b"cannot listen on 127.0.0.1 port %d" % port, result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
