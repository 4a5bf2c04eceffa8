"""pubsub_server driven by redis-py (Debian's python3-redis), as an application would."""

import time
import unittest

from pubsub_support import TIMEOUT, ServerTest


def import_redis():
    try:
        import redis
    except ImportError:
        raise AssertionError("the redis module is missing: apt-get install python3-redis")
    return redis


def next_message(pubsub):
    """The next message, waiting for it with a deadline."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=deadline - time.monotonic())
        if message is not None:
            return message
    raise AssertionError("no message came")


class RedisPyTest(ServerTest):
    def setUp(self):
        self.redis = import_redis()
        super().setUp()
        self.client = self.redis.Redis(port=self.port, socket_timeout=TIMEOUT)
        self.addCleanup(self.client.close)

    def pubsub(self):
        p = self.client.pubsub()
        self.addCleanup(p.close)
        return p

    def test_ping(self):
        self.assertTrue(self.client.ping())

    def test_subscribe_get_message_and_publish_counts(self):
        p = self.pubsub()
        p.subscribe("news", "sports")
        self.assertEqual(next_message(p), {"type": "subscribe", "pattern": None,
                                           "channel": b"news", "data": 1})
        self.assertEqual(next_message(p), {"type": "subscribe", "pattern": None,
                                           "channel": b"sports", "data": 2})
        self.assertEqual(self.client.publish("news", "hello"), 1)
        self.assertEqual(self.client.publish("weather", "rain"), 0)
        self.assertEqual(next_message(p), {"type": "message", "pattern": None,
                                           "channel": b"news", "data": b"hello"})

    def test_patterns(self):
        p = self.pubsub()
        p.psubscribe("news.*", "*.art")
        next_message(p)
        next_message(p)
        self.assertEqual(self.client.publish("news.art", "a painting"), 2)
        received = [next_message(p), next_message(p)]
        self.assertEqual(sorted(m["pattern"] for m in received), [b"*.art", b"news.*"])
        for m in received:
            self.assertEqual((m["type"], m["channel"], m["data"]),
                             ("pmessage", b"news.art", b"a painting"))

    def test_publish_counts_subscribers_and_patterns(self):
        subscribers = [self.pubsub() for _ in range(3)]
        subscribers[0].subscribe("c")
        subscribers[1].subscribe("c")
        subscribers[2].psubscribe("c*", "?")
        for p in subscribers:
            p.get_message(timeout=TIMEOUT)
        next_message(subscribers[2])
        self.assertEqual(self.client.publish("c", "x"), 4)
        self.assertEqual(self.client.publish("cc", "x"), 1)

    def test_ping_in_subscribed_mode(self):
        p = self.pubsub()
        p.subscribe("news")
        next_message(p)
        p.ping()
        self.assertEqual(next_message(p), {"type": "pong", "pattern": None, "channel": None,
                                           "data": b""})
        p.ping("hello")
        self.assertEqual(next_message(p)["data"], b"hello")

    def test_unsubscribe_from_everything(self):
        p = self.pubsub()
        p.subscribe("a")
        p.psubscribe("b*")
        next_message(p)
        next_message(p)
        p.unsubscribe()
        p.punsubscribe()
        self.assertEqual(next_message(p), {"type": "unsubscribe", "pattern": None,
                                           "channel": b"a", "data": 1})
        self.assertEqual(next_message(p), {"type": "punsubscribe", "pattern": None,
                                           "channel": b"b*", "data": 0})
        self.assertEqual(self.client.publish("a", "x"), 0)

    def test_many_messages_arrive_in_order(self):
        p = self.pubsub()
        p.subscribe("c")
        next_message(p)
        for i in range(1000):
            self.client.publish("c", str(i))
        for i in range(1000):
            self.assertEqual(next_message(p)["data"], str(i).encode())

    def test_unknown_commands_raise_redis_errors(self):
        with self.assertRaisesRegex(self.redis.ResponseError,
                                    r"^unknown command 'GET', with args beginning with: 'k' $"):
            self.client.get("k")


if __name__ == "__main__":
    unittest.main(verbosity=2)
