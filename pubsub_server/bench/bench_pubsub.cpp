//
// bench_pubsub.cpp
// ~~~~~~~~~~~~~~~~
//
// Publish/subscribe throughput and latency of pubsub_server against
// redis-server, side by side. The benchmark starts both servers itself, each
// pinned to one CPU (redis-server is single-threaded; pubsub_server runs one
// io_context thread) while the load runs on the other CPUs, then alternates
// runs between them and prints the median of each figure as a Markdown
// table. Every run also checks the servers: each PUBLISH must reply with the
// number of subscribers, and each subscriber must receive every message of
// every publisher once, in order; any error fails the benchmark.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "child_process.hpp"
#include "load.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#ifndef PUBSUB_SERVER_PATH
#define PUBSUB_SERVER_PATH "pubsub_server"
#endif

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view usage =
    "usage: bench_pubsub [--quick] [--publishers N] [--subscribers N] [--channels N]\n"
    "                    [--payload BYTES] [--window N | --batch N [--spread]]\n"
    "                    [--seconds S] [--warmup S]\n"
    "                    [--repetitions N] [--server PATH] [--redis-server PATH] [--no-pin]\n";

struct options {
  bench::load_options load;
  int repetitions = 5;
  std::string server = PUBSUB_SERVER_PATH;
  std::string redis_server = "redis-server";
  bool pin = true;
};

double to_double(const std::string& s) {
  std::size_t used = 0;
  const double value = std::stod(s, &used);
  if (used != s.size() || value < 0) throw std::invalid_argument("not a number: " + s);
  return value;
}

std::size_t to_count(const std::string& s) {
  return static_cast<std::size_t>(to_double(s));
}

options parse_command_line(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help") {
      std::cout << usage;
      std::exit(0);
    }
    if (flag == "--quick") {
      o.load.warmup = 0.1s;
      o.load.duration = 0.2s;
      o.repetitions = 1;
      continue;
    }
    if (flag == "--no-pin") {
      o.pin = false;
      continue;
    }
    if (flag == "--spread") {
      o.load.spread = true;
      continue;
    }
    if (i + 1 == argc) throw std::invalid_argument("missing value after " + flag);
    const std::string value = argv[++i];
    if (flag == "--publishers")
      o.load.publishers = to_count(value);
    else if (flag == "--subscribers")
      o.load.subscribers = to_count(value);
    else if (flag == "--channels")
      o.load.channels = to_count(value);
    else if (flag == "--payload")
      o.load.payload = to_count(value);
    else if (flag == "--window")
      o.load.window = to_count(value);
    else if (flag == "--batch")
      o.load.batch = to_count(value);
    else if (flag == "--seconds")
      o.load.duration = std::chrono::duration<double>(to_double(value));
    else if (flag == "--warmup")
      o.load.warmup = std::chrono::duration<double>(to_double(value));
    else if (flag == "--repetitions")
      o.repetitions = static_cast<int>(to_count(value));
    else if (flag == "--server")
      o.server = value;
    else if (flag == "--redis-server")
      o.redis_server = value;
    else
      throw std::invalid_argument("unknown option " + flag);
  }
  if (o.repetitions < 1) throw std::invalid_argument("at least one repetition");
  return o;
}

// The path of `program` as execvp would find it, or nothing.
std::optional<std::string> find_program(const std::string& program) {
  auto executable = [](const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
  };
  if (program.find('/') != std::string::npos)
    return executable(program) ? std::optional(program) : std::nullopt;
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (executable(dir + "/" + program)) return dir + "/" + program;
  return std::nullopt;
}

// The server on the first CPU the benchmark may use, the load on the others.
std::optional<int> split_cpus(bool pin) {
  cpu_set_t allowed;
  if (!pin || sched_getaffinity(0, sizeof(allowed), &allowed) != 0 || CPU_COUNT(&allowed) < 2)
    return std::nullopt;
  int server_cpu = 0;
  while (!CPU_ISSET(server_cpu, &allowed)) ++server_cpu;
  CPU_CLR(server_cpu, &allowed);
  sched_setaffinity(0, sizeof(allowed), &allowed);
  return server_cpu;
}

std::uint16_t free_port() {
  asio::io_context ctx;
  tcp::acceptor acceptor(ctx, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return acceptor.local_endpoint().port();
}

// Whether a server answers PING on `port`.
bool answers_ping(std::uint16_t port) {
  try {
    asio::io_context ctx;
    tcp::socket socket(ctx);
    socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
    asio::write(socket, asio::buffer(std::string_view("PING\r\n")));
    char reply[7];
    asio::read(socket, asio::buffer(reply));
    return std::string_view(reply, 7) == "+PONG\r\n";
  } catch (const std::exception&) {
    return false;
  }
}

// A server under test: its process and where it listens.
struct server_under_test {
  std::string name;
  std::unique_ptr<bench::child_process> process;
  std::uint16_t port = 0;
  std::string log;
};

server_under_test start_pubsub_server(const std::string& path, std::optional<int> cpu) {
  server_under_test s{"pubsub_server", nullptr, 0, "bench_pubsub_server.log"};
  s.process = std::make_unique<bench::child_process>(std::vector<std::string>{path, "--port", "0"},
                                                     cpu, s.log);
  const std::optional<std::string> line = s.process->read_line(10s);
  if (!line || !line->starts_with("listening on "))
    throw std::runtime_error(path + " did not print its port (see " + s.log + ")");
  s.port = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
  return s;
}

server_under_test start_redis_server(const std::string& path, std::optional<int> cpu) {
  server_under_test s{"redis-server", nullptr, free_port(), "bench_redis_server.log"};
  s.process = std::make_unique<bench::child_process>(
      std::vector<std::string>{path, "--port", std::to_string(s.port), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no", "--logfile", s.log},
      cpu, "bench_redis_server.stderr.log");
  for (int i = 0; i < 200 && !answers_ping(s.port); ++i) std::this_thread::sleep_for(50ms);
  if (!answers_ping(s.port))
    throw std::runtime_error("redis-server did not start on port " + std::to_string(s.port) +
                             " (see " + s.log + ")");
  return s;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

struct summary {
  std::vector<double> delivered, published, p50, p99, cores, load_cores;

  void add(const bench::load_result& r) {
    delivered.push_back(r.delivered_per_second);
    published.push_back(r.published_per_second);
    p50.push_back(r.p50.count());
    p99.push_back(r.p99.count());
    cores.push_back(r.server_cores);
    load_cores.push_back(r.load_cores);
  }
};

std::string with_commas(double value) {
  const std::string digits = std::to_string(static_cast<long long>(value + 0.5));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string fixed(double value, int decimals) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(decimals) << value;
  return out.str();
}

// How the publishers pace themselves.
std::string flow_control(const bench::load_options& o) {
  if (o.batch == 0) return "window " + std::to_string(o.window);
  return "batches of " + std::to_string(o.batch) +
         (o.spread ? " over every channel" : " to one channel each");
}

void print_table(const options& o, const std::vector<std::string>& names,
                 const std::vector<summary>& results) {
  std::cout << "\n"
            << o.load.publishers << " publishers, " << o.load.subscribers << " subscribers, "
            << o.load.channels << " channel(s), " << o.load.payload << "-byte payloads, "
            << flow_control(o.load) << ", " << o.load.duration.count() << " s per run, median of "
            << o.repetitions << " run(s) per server\n\n"
            << "| server | delivered msg/s | PUBLISH/s | p50 latency | p99 latency | server CPU |"
               " delivered msg per server CPU-second | load CPU |\n"
            << "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  for (std::size_t i = 0; i < names.size(); ++i) {
    const summary& s = results[i];
    const double cores = median(s.cores);
    std::cout << "| " << names[i] << " | " << with_commas(median(s.delivered)) << " | "
              << with_commas(median(s.published)) << " | " << fixed(median(s.p50), 0) << " µs | "
              << fixed(median(s.p99), 0) << " µs | " << fixed(cores, 2) << " | "
              << (cores > 0 ? with_commas(median(s.delivered) / cores) : std::string("-")) << " | "
              << fixed(median(s.load_cores), 2) << " |\n";
  }
  if (results.size() != 2) return;
  // Runs of both servers alternate, so the ratio of each run's pair is the
  // figure least disturbed by what else the machine does.
  std::vector<double> delivered, p99, per_cpu;
  for (std::size_t run = 0; run < results[0].delivered.size(); ++run) {
    delivered.push_back(results[0].delivered[run] / results[1].delivered[run]);
    p99.push_back(results[0].p99[run] / results[1].p99[run]);
    if (results[0].cores[run] > 0 && results[1].cores[run] > 0)
      per_cpu.push_back((results[0].delivered[run] / results[0].cores[run]) /
                        (results[1].delivered[run] / results[1].cores[run]));
  }
  if (per_cpu.empty()) per_cpu.push_back(0);
  std::cout << "\n"
            << names[0] << " / " << names[1] << ", median of the runs' ratios: delivered msg/s "
            << fixed(median(delivered), 2) << "x, p99 latency " << fixed(median(p99), 2)
            << "x, delivered msg per server CPU-second " << fixed(median(per_cpu), 2) << "x\n";
}

int run(const options& o) {
  if (!find_program(o.server)) throw std::runtime_error("cannot find the server " + o.server);
  if (!find_program(o.redis_server))
    throw std::runtime_error("cannot find " + o.redis_server +
                             ": install redis-server (apt-get install redis-server)");
  const std::optional<int> cpu = split_cpus(o.pin);
  std::cout << "servers " << (cpu ? "pinned to CPU " + std::to_string(*cpu) : "not pinned")
            << "; load on the other CPUs\n";
  std::vector<server_under_test> servers;
  servers.push_back(start_pubsub_server(o.server, cpu));
  servers.push_back(start_redis_server(o.redis_server, cpu));
  std::vector<summary> results(servers.size());
  bool failed = false;
  for (int rep = 0; rep < o.repetitions; ++rep) {
    for (std::size_t k = 0; k < servers.size(); ++k) {
      // Alternate which server goes first.
      const std::size_t i = rep % 2 == 0 ? k : servers.size() - 1 - k;
      server_under_test& s = servers[i];
      const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), s.port);
      auto cpu_time = [&s] { return s.process->cpu_time(); };
      const bench::load_result r = bench::run_load(endpoint, o.load, cpu_time);
      results[i].add(r);
      std::cout << "run " << rep + 1 << "/" << o.repetitions << " " << s.name << ": "
                << with_commas(r.delivered_per_second) << " msg/s delivered, p99 "
                << fixed(r.p99.count(), 0) << " µs, server CPU " << fixed(r.server_cores, 2)
                << ", load CPU " << fixed(r.load_cores, 2) << "; whole run " << r.delivered_total
                << " delivered, " << r.published_total << " PUBLISH" << std::endl;
      for (const std::string& e : r.errors) std::cout << "  error: " << e << "\n";
      failed = failed || !r.errors.empty();
    }
  }
  std::vector<std::string> names;
  for (server_under_test& s : servers) {
    names.push_back(s.name);
    const int status = s.process->stop();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::cout << s.name << " did not exit cleanly on SIGTERM (status " << status << ")\n";
      failed = true;
    }
  }
  print_table(o, names, results);
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  try {
    o = parse_command_line(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "bench_pubsub: " << e.what() << "\n" << usage;
    return 2;
  }
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::cerr << "bench_pubsub: " << e.what() << "\n";
    return 1;
  }
}
