"""pubsub_server driven by redis-cli (Debian's redis-tools), as a user would."""

import subprocess
import unittest

from pubsub_support import TIMEOUT, LineReader, ServerTest, require_program, spawn


class CliProcess:
    """A long-running redis-cli (SUBSCRIBE, PSUBSCRIBE) whose lines are read with a deadline."""

    def __init__(self, test, args):
        self.process = spawn(args, stdout=subprocess.PIPE)
        test.addCleanup(self.stop)
        self.stdout = LineReader(self.process.stdout)

    def lines(self, count):
        return self.stdout.lines(count)

    def stop(self):
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()


class RedisCliTest(ServerTest):
    def setUp(self):
        self.cli = require_program("redis-cli", "redis-tools")
        super().setUp()

    def run_cli(self, *args):
        result = subprocess.run([self.cli, "-p", str(self.port), *args], capture_output=True,
                                timeout=TIMEOUT, check=True)
        return result.stdout.decode()

    def subscribe(self, command, *names):
        cli = CliProcess(self, [self.cli, "-p", str(self.port), command, *names])
        for i, name in enumerate(names, start=1):
            self.assertEqual(cli.lines(3), [command.lower(), name, str(i)])
        return cli

    def test_ping(self):
        self.assertEqual(self.run_cli("PING"), "PONG\n")
        self.assertEqual(self.run_cli("PING", "hello world"), "hello world\n")

    def test_publish_without_subscribers_reaches_no_one(self):
        self.assertEqual(self.run_cli("PUBLISH", "news", "hello"), "0\n")

    def test_subscribe_in_one_process_and_publish_in_another(self):
        subscriber = self.subscribe("SUBSCRIBE", "news", "sports")
        self.assertEqual(self.run_cli("PUBLISH", "news", "hello"), "1\n")
        self.assertEqual(self.run_cli("PUBLISH", "sports", "goal"), "1\n")
        self.assertEqual(subscriber.lines(6), ["message", "news", "hello",
                                               "message", "sports", "goal"])

    def test_psubscribe(self):
        subscriber = self.subscribe("PSUBSCRIBE", "news.*")
        self.assertEqual(self.run_cli("PUBLISH", "news.art", "a painting"), "1\n")
        self.assertEqual(self.run_cli("PUBLISH", "weather", "rain"), "0\n")
        self.assertEqual(subscriber.lines(4), ["pmessage", "news.*", "news.art", "a painting"])

    def test_publish_counts_every_subscriber(self):
        first = self.subscribe("SUBSCRIBE", "news")
        second = self.subscribe("SUBSCRIBE", "news")
        by_pattern = self.subscribe("PSUBSCRIBE", "n*")
        self.assertEqual(self.run_cli("PUBLISH", "news", "hello"), "3\n")
        for subscriber in (first, second):
            self.assertEqual(subscriber.lines(3), ["message", "news", "hello"])
        self.assertEqual(by_pattern.lines(4), ["pmessage", "n*", "news", "hello"])

    def test_errors_are_printed_as_redis_words_them(self):
        self.assertEqual(self.run_cli("foo", "bar"),
                         "ERR unknown command 'foo', with args beginning with: 'bar' \n\n")
        self.assertEqual(self.run_cli("PUBLISH", "news"),
                         "ERR wrong number of arguments for 'publish' command\n\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
