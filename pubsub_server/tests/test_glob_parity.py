"""PSUBSCRIBE patterns match exactly what they match in Redis.

Concrete cases first, then random patterns and channels over the bytes that
matter to glob matching, published to pubsub_server and to a real
redis-server: every channel must reach the same patterns on both.
"""

import random
import unittest

from pubsub_support import Client, command, start_pubsub_server, start_redis_server


def read_push(client):
    """The strings of the next RESP array of bulk strings and integers."""
    header = client.read_until(b"\r\n")
    assert header.startswith(b"*"), header
    items = []
    for _ in range(int(header[1:-2])):
        line = client.read_until(b"\r\n")
        if line.startswith(b"$"):
            items.append(client.read_exactly(int(line[1:-2]) + 2)[:-2])
        else:
            items.append(line[1:-2])
    return items


def matches(port, patterns, channels):
    """For each channel, the sorted patterns whose subscription took it."""
    with Client(port) as subscriber, Client(port) as publisher:
        subscriber.send(command("PSUBSCRIBE", *patterns))
        for _ in patterns:
            read_push(subscriber)
        publisher.send(b"".join(command("PUBLISH", channel, str(i))
                                for i, channel in enumerate(channels)))
        counts = [int(publisher.read_until(b"\r\n")[1:-2]) for _ in channels]
        found = [[] for _ in channels]
        for _ in range(sum(counts)):
            kind, pattern, channel, index = read_push(subscriber)
            assert kind == b"pmessage" and channel == channels[int(index)]
            found[int(index)].append(pattern)
        return [sorted(f) for f in found], counts


class GlobTest(unittest.TestCase):
    CASES = [
        (b"h?llo", b"hello", True), (b"h?llo", b"hllo", False),
        (b"h*llo", b"hllo", True), (b"h*llo", b"heeeello", True), (b"h*llo", b"hellx", False),
        (b"h[ae]llo", b"hallo", True), (b"h[ae]llo", b"hillo", False),
        (b"h[^e]llo", b"hallo", True), (b"h[^e]llo", b"hello", False),
        (b"h[a-c]llo", b"hbllo", True), (b"h[c-a]llo", b"hbllo", True),
        (b"h[a-c]llo", b"hdllo", False), (b"h\\*llo", b"h*llo", True),
        (b"h\\*llo", b"hello", False), (b"[\\]]", b"]", True), (b"a\\", b"a\\", True),
        (b"*a*b*c", b"xaybzc", True), (b"*a*b*c", b"xaybzcd", False),
        (b"[abc", b"a", True), (b"[abc", b"c", True), (b"ab[", b"ab[", False),
        (b"*", b"anything", True), (b"*", b"", False), (b"", b"", True),
        (b"\x00*", b"\x00\xff", True), (b"[\x80-\xff]", b"\x90", True),
        (b"a*" * 1001, b"a" * 1001, True), (b"a*" * 1002, b"a" * 1002, False),
    ]

    def setUp(self):
        _, ours = start_pubsub_server(self)
        _, redis = start_redis_server(self)
        self.ports = [ours, redis]

    def check_same(self, patterns, channels):
        ours, redis = (matches(port, patterns, channels) for port in self.ports)
        self.assertEqual(ours, redis)
        return ours

    def test_concrete_cases(self):
        for pattern, channel, expected in self.CASES:
            with self.subTest(pattern=pattern[:20], channel=channel[:20]):
                found, counts = self.check_same([pattern], [channel])
                self.assertEqual(counts, [1 if expected else 0])

    def test_random_patterns_match_as_in_redis(self):
        rng = random.Random(20241121)
        pattern_bytes = b"ab*?[]^-\\"
        channel_bytes = b"ab-^]\\[*?"

        def random_bytes(alphabet, longest):
            return bytes(rng.choice(alphabet) for _ in range(rng.randint(0, longest)))

        patterns = sorted({random_bytes(pattern_bytes, 8) for _ in range(400)})
        channels = [random_bytes(channel_bytes, 8) for _ in range(400)]
        found, counts = self.check_same(patterns, channels)
        # The sample exercises both outcomes.
        pairs = len(patterns) * len(channels)
        self.assertTrue(0.01 * pairs < sum(counts) < 0.99 * pairs, sum(counts))


if __name__ == "__main__":
    unittest.main(verbosity=2)
