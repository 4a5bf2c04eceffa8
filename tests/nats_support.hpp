//
// nats_support.hpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_TESTS_NATS_SUPPORT_HPP
#define ASIO_SIGNALS_TESTS_NATS_SUPPORT_HPP

#include <asio_signals/nats.hpp>

#include "test_support.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>

#include <nats/nats.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace test {

namespace sig = asio_signals;

// Starts a program; returns its process id.
inline pid_t spawn_process(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start " + args[0]);
  return pid;
}

// Kills a process and reaps it.
inline void kill_process(pid_t pid) {
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

// A child process, killed at the end of the test at the latest.
class child_process {
 public:
  explicit child_process(const std::vector<std::string>& args) : pid_(spawn_process(args)) {}
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() { kill(); }

  void kill() {
    if (pid_ > 0) kill_process(pid_);
    pid_ = 0;
  }

 private:
  pid_t pid_;
};

// A loopback port free at the time of the call, for a server that must be
// told its cluster port before it starts.
inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("no free loopback port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A nats-server of the test's own, on an ephemeral loopback port, killed at
// the end of the test. With `cluster`, it also listens for routes from the
// other servers of a cluster on an ephemeral port; with `jetstream`, it runs
// JetStream, storing in files that a restart keeps.
class nats_server {
 public:
  explicit nats_server(std::vector<std::string> extra = {}, bool cluster = false,
                       bool jetstream = false)
      : extra_(std::move(extra)) {
    char tmpl[] = "/tmp/asio_signals_nats_XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    if (jetstream) {
      extra_.push_back("-js");
      extra_.push_back("--store_dir");
      extra_.push_back(dir_ + "/jetstream");
    }
    if (cluster) {
      extra_.push_back("--cluster_name");
      extra_.push_back("test");
      extra_.push_back("--cluster");
      extra_.push_back("nats://127.0.0.1:-1");
    }
    start("-1");
  }

  nats_server(const nats_server&) = delete;
  nats_server& operator=(const nats_server&) = delete;

  ~nats_server() {
    kill();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // The client URL, nats://127.0.0.1:PORT.
  const std::string& url() const { return url_; }

  // The URL other servers of a cluster route to.
  const std::string& cluster_url() const { return cluster_url_; }

  void kill() {
    if (pid_ > 0) kill_process(pid_);
    pid_ = 0;
  }

  // Stops the server's process (SIGSTOP): it keeps its connections but
  // reads nothing from them, until resume(). Returns once it is stopped, so
  // that nothing sent after the call is read before resume().
  void pause() {
    ::kill(pid_, SIGSTOP);
    ::waitpid(pid_, nullptr, WUNTRACED);
  }
  void resume() { ::kill(pid_, SIGCONT); }

  // Kills the server and starts it again on the same port.
  void restart() {
    kill();
    start(url_.substr(url_.rfind(':') + 1));
  }

 private:
  void start(const std::string& port) {
    std::vector<std::string> args{
        ASIO_SIGNALS_NATS_SERVER, "-a", "127.0.0.1", "-p", port, "--ports_file_dir", dir_, "-l",
        dir_ + "/server.log"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    pid_ = spawn_process(args);
    auto ports = dir_ + "/nats-server_" + std::to_string(pid_) + ".ports";
    url_.clear();
    for (int i = 0; i < 500 && url_.empty(); ++i) {
      std::ifstream in(ports);
      std::stringstream text;
      text << in.rdbuf();
      std::error_code ec;
      auto v = boost::json::parse(text.str(), ec);
      if (!ec && v.is_object() && v.as_object().contains("nats")) {
        url_ = std::string(v.at("nats").at(0).as_string());
        if (v.as_object().contains("cluster"))
          cluster_url_ = std::string(v.at("cluster").at(0).as_string());
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    if (url_.empty()) {
      kill();
      throw std::runtime_error("nats-server did not start");
    }
  }

  std::vector<std::string> extra_;
  std::string dir_;
  std::string url_;
  std::string cluster_url_;
  pid_t pid_ = 0;
};

// Waits until `done()` holds, at most `limit`; returns whether it held.
inline asio::awaitable<bool> eventually(std::function<bool()> done,
                                        std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto end = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < end) {
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return done();
}

inline asio::awaitable<void> sleep(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

// Link options for `server`: prefix "t", presence within half a second.
inline sig::nats_options options_for(const nats_server& server) {
  sig::nats_options options;
  options.servers.push_back(server.url());
  options.prefix = "t";
  options.heartbeat_interval = std::chrono::milliseconds(100);
  options.presence_expiry = std::chrono::milliseconds(500);
  return options;
}

// Records what reaches an error handler.
struct error_log {
  std::vector<std::string> subjects;
  std::vector<std::string> messages;

  std::function<void(const std::string&, std::exception_ptr)> handler() {
    return [this](const std::string& subject, std::exception_ptr e) {
      subjects.push_back(subject);
      messages.push_back(message_of(e));
    };
  }
};

// A raw cnats connection, to publish what no link would.
class raw_client {
 public:
  explicit raw_client(const std::string& url) {
    BOOST_TEST_REQUIRE(natsConnection_ConnectTo(&conn_, url.c_str()) == NATS_OK);
  }
  ~raw_client() {
    natsSubscription_Destroy(sub_);
    natsConnection_Destroy(conn_);
  }
  void publish(const std::string& subject, const std::string& data) {
    BOOST_TEST_REQUIRE(natsConnection_PublishString(conn_, subject.c_str(), data.c_str()) ==
                       NATS_OK);
    BOOST_TEST_REQUIRE(natsConnection_Flush(conn_) == NATS_OK);
  }
  // Subscribes to `subject`, for next_payload, once the server has it.
  void subscribe(const std::string& subject) {
    BOOST_TEST_REQUIRE(natsConnection_SubscribeSync(&sub_, conn_, subject.c_str()) == NATS_OK);
    BOOST_TEST_REQUIRE(natsConnection_Flush(conn_) == NATS_OK);
  }
  // The payload of the next message on the subject, waiting for it at most a
  // few seconds on this thread (cnats's threads receive it).
  std::string next_payload() {
    natsMsg* msg = nullptr;
    BOOST_TEST_REQUIRE(natsSubscription_NextMsg(&msg, sub_, 5000) == NATS_OK);
    std::string payload(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
    natsMsg_Destroy(msg);
    return payload;
  }

 private:
  natsConnection* conn_ = nullptr;
  natsSubscription* sub_ = nullptr;
};

}  // namespace test

#endif  // ASIO_SIGNALS_TESTS_NATS_SUPPORT_HPP
