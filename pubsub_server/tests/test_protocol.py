"""pubsub_server's replies, byte for byte, over raw sockets.

Each expected reply below is what redis-server 7 sends for the same request;
RedisParityTest also replays the requests against a real redis-server and
compares the bytes.
"""

import unittest

from pubsub_support import (Client, ServerTest, bulk, command, push,
                            start_pubsub_server, start_redis_server)


def cannot_execute(name):
    return (b"-ERR Can't execute '" + name + b"': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / "
            b"PING / QUIT / RESET are allowed in this context\r\n")


class PingTest(ServerTest):
    def test_ping_without_and_with_a_message(self):
        c = self.client()
        c.send(b"PING\r\n" + command("PING", "hello") + command("ping", ""))
        c.expect(self, b"+PONG\r\n$5\r\nhello\r\n$0\r\n\r\n")

    def test_ping_with_two_arguments_is_an_arity_error(self):
        c = self.client()
        self.assertEqual(c.request(b"PING a b\r\n"),
                         b"-ERR wrong number of arguments for 'ping' command\r\n")

    def test_ping_in_subscribed_mode_replies_with_a_pong_push(self):
        c = self.subscribed_client(command("SUBSCRIBE", "a"))
        c.send(b"PING\r\nPING hello\r\n")
        c.expect(self, push("pong", "") + push("pong", "hello"))


class SubscribeTest(ServerTest):
    def test_confirmations_count_every_subscription(self):
        c = self.client()
        c.send(command("SUBSCRIBE", "a", "b", "a") + command("PSUBSCRIBE", "p*", "p*"))
        c.expect(self, push("subscribe", "a", 1) + push("subscribe", "b", 2) +
                 push("subscribe", "a", 2) + push("psubscribe", "p*", 3) +
                 push("psubscribe", "p*", 3))

    def test_unsubscribe_without_channels_leaves_them_all(self):
        c = self.client()
        c.send(command("SUBSCRIBE", "a", "b") + command("PSUBSCRIBE", "p"))
        c.read_exactly(len(push("subscribe", "a", 1) * 2 + push("psubscribe", "p", 3)))
        self.assertEqual(c.request(command("UNSUBSCRIBE"), subscribed=True),
                         push("unsubscribe", "a", 2) + push("unsubscribe", "b", 1))
        # No channel left: a null channel and the count of what remains.
        self.assertEqual(c.request(command("UNSUBSCRIBE"), subscribed=True),
                         push("unsubscribe", None, 1))
        self.assertEqual(c.request(command("PUNSUBSCRIBE")), push("punsubscribe", "p", 0))
        self.assertEqual(c.request(command("PUNSUBSCRIBE") + command("UNSUBSCRIBE")),
                         push("punsubscribe", None, 0) + push("unsubscribe", None, 0))

    def test_unsubscribe_from_a_channel_not_subscribed_confirms_it(self):
        c = self.client()
        self.assertEqual(c.request(command("UNSUBSCRIBE", "x", "y")),
                         push("unsubscribe", "x", 0) + push("unsubscribe", "y", 0))

    def test_reset_leaves_subscribed_mode(self):
        c = self.client()
        c.send(command("SUBSCRIBE", "a") + command("PSUBSCRIBE", "*"))
        c.read_exactly(len(push("subscribe", "a", 1) + push("psubscribe", "*", 2)))
        self.assertEqual(c.request(b"RESET\r\n"), b"+RESET\r\n")
        p = self.client()
        self.assertEqual(p.request(command("PUBLISH", "a", "x")), b":0\r\n")

    def test_subscriptions_of_a_client_that_quits_end(self):
        c = self.client()
        c.send(command("SUBSCRIBE", "a") + b"QUIT\r\n" + b"PING\r\n")
        self.assertEqual(c.read_to_eof(), push("subscribe", "a", 1) + b"+OK\r\n")
        p = self.client()
        self.assertEqual(p.request(command("PUBLISH", "a", "x")), b":0\r\n")


class PublishTest(ServerTest):
    def test_publish_counts_every_subscription_that_takes_the_message(self):
        a = self.subscribed_client(command("SUBSCRIBE", "news"))
        b = self.subscribed_client(command("SUBSCRIBE", "news"))
        # One client, three subscriptions that match: it is counted three times.
        c = self.subscribed_client(command("SUBSCRIBE", "news"), command("PSUBSCRIBE", "n*", "*s"))
        d = self.subscribed_client(command("PSUBSCRIBE", "x*"))
        p = self.client()
        self.assertEqual(p.request(command("PUBLISH", "news", "hello")), b":5\r\n")
        self.assertEqual(p.request(command("PUBLISH", "nothing", "x")), b":1\r\n")
        self.assertEqual(p.request(command("PUBLISH", "other", "x")), b":0\r\n")
        message = push("message", "news", "hello")
        a.expect(self, message)
        b.expect(self, message)
        # The channel's message first, then the patterns', as in Redis.
        c.expect(self, message)
        pattern_messages = [push("pmessage", "n*", "news", "hello"),
                            push("pmessage", "*s", "news", "hello")]
        received = c.read_exactly(sum(map(len, pattern_messages)))
        self.assertIn(received, [pattern_messages[0] + pattern_messages[1],
                                 pattern_messages[1] + pattern_messages[0]])
        c.expect(self, push("pmessage", "n*", "nothing", "x"))
        self.assertEqual(d.request(b"", subscribed=True), b"")

    def test_channel_message_comes_before_pattern_message_whatever_the_order(self):
        c = self.subscribed_client(command("PSUBSCRIBE", "a*"), command("SUBSCRIBE", "ab"))
        p = self.client()
        self.assertEqual(p.request(command("PUBLISH", "ab", "1")), b":2\r\n")
        c.expect(self, push("message", "ab", "1") + push("pmessage", "a*", "ab", "1"))

    def test_messages_are_binary_safe_and_may_be_large(self):
        channel = b"ch\x00\r\n\xff"
        payloads = [b"", b"\r\n$3\r\n\x00", bytes(range(256)) * 1024]
        c = self.subscribed_client(command("SUBSCRIBE", channel))
        p = self.client()
        for payload in payloads:
            self.assertEqual(p.request(command("PUBLISH", channel, payload)), b":1\r\n")
        for payload in payloads:
            c.expect(self, push("message", channel, payload))

    def test_pipelined_publishes_reply_in_order(self):
        c = self.subscribed_client(command("SUBSCRIBE", "c"))
        p = self.client()
        requests = b"".join(command("PUBLISH", "c" if i % 3 else "none", str(i)) +
                            (b"PING %d\r\n" % i if i % 7 == 0 else b"")
                            for i in range(3000))
        expected = b"".join((b":1\r\n" if i % 3 else b":0\r\n") +
                            (bulk(str(i)) if i % 7 == 0 else b"") for i in range(3000))
        self.assertEqual(p.request(requests), expected)
        c.expect(self, b"".join(push("message", "c", str(i)) for i in range(3000) if i % 3))


class ErrorTest(ServerTest):
    def test_unknown_command(self):
        c = self.client()
        self.assertEqual(
            c.request(b"foo bar baz\r\nfoo\r\n" + command("FooBar", "a\r\nb")),
            b"-ERR unknown command 'foo', with args beginning with: 'bar' 'baz' \r\n"
            b"-ERR unknown command 'foo', with args beginning with: \r\n"
            b"-ERR unknown command 'FooBar', with args beginning with: 'a  b' \r\n")

    def test_unknown_command_lists_at_most_128_bytes_of_arguments(self):
        c = self.client()
        many = "abcdefghijklmnopqrstuvwxyz0123456789"
        reply = c.request(command("foo", "a" * 200, "b") + command("foo", *many))
        self.assertEqual(
            reply,
            b"-ERR unknown command 'foo', with args beginning with: '" + b"a" * 128 + b"' \r\n"
            b"-ERR unknown command 'foo', with args beginning with: " +
            b"".join(b"'%s' " % x.encode() for x in many[:32]) + b"\r\n")

    def test_redis_commands_this_server_does_not_run_are_unknown(self):
        c = self.client()
        self.assertEqual(c.request(b"GET a\r\n"),
                         b"-ERR unknown command 'GET', with args beginning with: 'a' \r\n")

    def test_wrong_number_of_arguments_names_the_command(self):
        c = self.client()
        self.assertEqual(
            c.request(b"SUBSCRIBE\r\npsubscribe\r\npublish a\r\nPUBLISH a b c\r\nget\r\n"
                      b"reset x\r\n"),
            b"".join(b"-ERR wrong number of arguments for '%s' command\r\n" % name
                     for name in [b"subscribe", b"psubscribe", b"publish", b"publish", b"get",
                                  b"reset"]))

    def test_unknown_subcommand(self):
        c = self.client()
        self.assertEqual(c.request(b"config foo\r\n"),
                         b"-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n")

    def test_subscribed_mode_allows_only_subscriptions_ping_quit_and_reset(self):
        c = self.subscribed_client(command("SUBSCRIBE", "a"))
        self.assertEqual(
            c.request(b"get k\r\npublish a b\r\nconfig get x\r\nget\r\nfoo\r\n", subscribed=True),
            cannot_execute(b"get") + cannot_execute(b"publish") + cannot_execute(b"config|get") +
            b"-ERR wrong number of arguments for 'get' command\r\n"
            b"-ERR unknown command 'foo', with args beginning with: \r\n")


class InlineTest(ServerTest):
    def test_inline_commands_follow_redis_quoting(self):
        c = self.client()
        self.assertEqual(
            c.request(b"ping \"a b\"\r\nping 'x y'\r\nping \"\\x41\\n\\q\"\r\nping 'it\\'s'\r\n"
                      b"ping a\"b\"\r\nping \"\"\r\n\tping\t x \r\nPING\n"),
            bulk("a b") + bulk("x y") + bulk("A\nq") + bulk("it's") + bulk("ab") + bulk("") +
            bulk("x") + b"+PONG\r\n")

    def test_blank_lines_are_ignored(self):
        c = self.client()
        self.assertEqual(c.request(b"\r\n   \r\n\n"), b"")

    def test_inline_subscribe_and_publish(self):
        s = self.client()
        self.assertEqual(s.request(b"SUBSCRIBE \"a b\"\r\n", subscribed=True),
                         push("subscribe", "a b", 1))
        p = self.client()
        self.assertEqual(p.request(b"publish 'a b' \"\\x00\\r\\n\"\r\n"), b":1\r\n")
        s.expect(self, push("message", "a b", "\x00\r\n"))

    def test_unbalanced_quotes_are_a_protocol_error(self):
        for request in [b"ping \"a\r\n", b"ping \"a\"b\r\n", b"ping ab'c\r\n"]:
            with self.subTest(request=request):
                c = self.client()
                c.send(request)
                self.assertEqual(c.read_to_eof(),
                                 b"-ERR Protocol error: unbalanced quotes in request\r\n")

    def test_an_inline_request_longer_than_64k_is_a_protocol_error(self):
        c = self.client()
        c.send(b"x" * 70000)
        self.assertEqual(c.read_to_eof(), b"-ERR Protocol error: too big inline request\r\n")


class MalformedTest(ServerTest):
    def expect_protocol_error(self, request, error):
        c = self.client()
        c.send(request)
        self.assertEqual(c.read_to_eof(), b"-ERR Protocol error: " + error + b"\r\n")

    def test_bad_multibulk_lengths(self):
        for request in [b"*x\r\n", b"*+1\r\n", b"*01\r\n", b"* 1\r\n", b"*2147483648\r\n",
                        b"*1x\r\n"]:
            with self.subTest(request=request):
                self.expect_protocol_error(request, b"invalid multibulk length")

    def test_bad_bulk_lengths(self):
        for request in [b"*1\r\n$-1\r\n", b"*1\r\n$x\r\n", b"*1\r\n$+4\r\nping\r\n",
                        b"*1\r\n$536870913\r\n"]:
            with self.subTest(request=request):
                self.expect_protocol_error(request, b"invalid bulk length")

    def test_an_element_that_is_not_a_bulk_string(self):
        self.expect_protocol_error(b"*1\r\nfoo\r\n", b"expected '$', got 'f'")
        self.expect_protocol_error(b"*2\r\n$4\r\nping\r\n:1\r\n", b"expected '$', got ':'")

    def test_count_lines_longer_than_64k(self):
        self.expect_protocol_error(b"*" + b"1" * 70000, b"too big mbulk count string")
        self.expect_protocol_error(b"*1\r\n$" + b"1" * 70000, b"too big bulk count string")

    def test_empty_and_negative_arrays_are_ignored(self):
        c = self.client()
        self.assertEqual(c.request(b"*0\r\n*-1\r\n*-5\r\n"), b"")

    def test_the_two_bytes_after_a_bulk_string_are_skipped_unread(self):
        # Redis does not check the CRLF that ends a bulk string.
        c = self.client()
        self.assertEqual(c.request(b"*1\r\n$4\r\npingXX" + command("PING", "y")),
                         b"+PONG\r\n" + bulk("y"))

    def test_commands_before_a_protocol_error_run(self):
        c = self.client()
        c.send(b"PING\r\n*1\r\n$x\r\nPING\r\n")
        self.assertEqual(c.read_to_eof(),
                         b"+PONG\r\n-ERR Protocol error: invalid bulk length\r\n")

    def test_other_clients_are_not_affected(self):
        s = self.subscribed_client(command("SUBSCRIBE", "c"))
        self.expect_protocol_error(b"*x\r\n", b"invalid multibulk length")
        p = self.client()
        self.assertEqual(p.request(command("PUBLISH", "c", "still here")), b":1\r\n")
        s.expect(self, push("message", "c", "still here"))


class QuitTest(ServerTest):
    def test_quit_replies_ok_and_closes(self):
        cases = [(b"QUIT\r\n", b"+OK\r\n"),
                 (command("quit", "extra", "args"), b"+OK\r\n"),
                 (b"PING\r\nQUIT\r\nPING\r\n", b"+PONG\r\n+OK\r\n")]
        for request, reply in cases:
            with self.subTest(request=request):
                c = self.client()
                c.send(request)
                self.assertEqual(c.read_to_eof(), reply)


class MaxBulkLenTest(ServerTest):
    server_options = ("--max-bulk-len", "1000")

    def test_a_bulk_string_at_the_limit_is_accepted(self):
        c = self.client()
        self.assertEqual(c.request(command("PING", "x" * 1000)), bulk("x" * 1000))

    def test_a_longer_bulk_string_is_an_error_and_closes(self):
        c = self.client()
        c.send(b"*2\r\n$4\r\nPING\r\n$1001\r\n" + b"x" * 100)
        self.assertEqual(c.read_to_eof(), b"-ERR Protocol error: invalid bulk length\r\n")
        self.assertEqual(self.client().request(b""), b"")


class QueryBufferLimitTest(ServerTest):
    server_options = ("--query-buffer-limit", "100kb")

    def test_a_client_sending_more_than_the_limit_is_closed(self):
        c = self.client()
        c.send(b"*2\r\n$4\r\nPING\r\n$1000000\r\n")
        try:
            for _ in range(20):
                c.send(b"x" * 10000)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.assertEqual(c.read_to_eof(), b"")
        self.server.wait_for_log("query buffer over the limit")
        self.assertEqual(self.client().request(command("PING", "x" * 50000)), bulk("x" * 50000))


class RedisParityTest(unittest.TestCase):
    """The same requests against pubsub_server and redis-server: the same bytes."""

    REQUESTS = [
        b"PING\r\nPING hello\r\n" + command("ping", "") + b"PING a b\r\n",
        b"foo bar baz\r\nfoo\r\nGET\r\nget a b\r\nconfig\r\nconfig foo bar\r\n",
        command("foo", "a" * 200, "b") + command("foo", "x\r\ny\x00z", "\x00"),
        b"subscribe\r\npsubscribe\r\npublish a\r\nreset x\r\n",
        command("SUBSCRIBE", "a", "a") + command("PSUBSCRIBE", "x*", "x*") +
        b"PING\r\nPING x\r\nget k\r\npublish a b\r\nconfig get x\r\nfoo\r\nget\r\n" +
        command("UNSUBSCRIBE") + command("UNSUBSCRIBE") + command("PUNSUBSCRIBE") +
        command("PUNSUBSCRIBE") + command("UNSUBSCRIBE", "z"),
        command("UNSUBSCRIBE") + command("PUNSUBSCRIBE") + command("PUBLISH", "nobody", "x"),
        b"ping \"a b\"\r\nping 'x y'\r\nping \"\\x41\\n\\q\"\r\nping 'it\\'s'\r\nping a\"b\"\r\n"
        b"\r\n   \r\n*0\r\n*-1\r\nPING\n*1\r\n$4\r\npingXX",
        command("SUBSCRIBE", "a") + b"RESET\r\nPING\r\n",
    ]

    CLOSING = [b"*x\r\n", b"*1\r\n$-1\r\n", b"*1\r\nfoo\r\n", b"*2147483648\r\n",
               b"ping \"a\r\n", b"x" * 70000, b"*1\r\n$536870913\r\n", b"QUIT\r\n",
               command("SUBSCRIBE", "a") + b"QUIT\r\nPING\r\n", b"PING\r\n*1\r\n$x\r\n"]

    def setUp(self):
        _, ours = start_pubsub_server(self)
        _, redis = start_redis_server(self)
        self.ports = {"pubsub_server": ours, "redis-server": redis}

    def replies(self, scenario):
        results = {}
        for name, port in self.ports.items():
            results[name] = scenario(port)
        return results

    def assertSame(self, scenario):
        results = self.replies(scenario)
        self.assertEqual(results["pubsub_server"], results["redis-server"])
        return results["redis-server"]

    def test_replies_are_the_same(self):
        for request in self.REQUESTS:
            with self.subTest(request=request[:60]):
                def scenario(port):
                    with Client(port) as c:
                        c.send(request + b"QUIT\r\n")
                        return c.read_to_eof()
                self.assertSame(scenario)

    def test_protocol_errors_close_the_same_way(self):
        for request in self.CLOSING:
            with self.subTest(request=request[:60]):
                def scenario(port):
                    with Client(port) as c:
                        c.send(request)
                        return c.read_to_eof()
                self.assertSame(scenario)

    def test_messages_and_counts_are_the_same(self):
        def scenario(port):
            with Client(port) as a, Client(port) as b, Client(port) as p:
                a.request(command("SUBSCRIBE", "news", "new") + command("PSUBSCRIBE", "ne[wx]?"),
                          subscribed=True)
                b.request(command("PSUBSCRIBE", "n*") + command("SUBSCRIBE", "news"),
                          subscribed=True)
                counts = p.request(command("PUBLISH", "news", "1") + command("PUBLISH", "new", "2")
                                   + command("PUBLISH", "nex", "3") + command("PUBLISH", "x", "4"))
                return (counts, a.request(b"", subscribed=True), b.request(b"", subscribed=True))
        counts, _, _ = self.assertSame(scenario)
        self.assertEqual(counts, b":4\r\n:2\r\n:1\r\n:0\r\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
