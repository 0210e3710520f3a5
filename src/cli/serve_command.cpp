// `vivrovert serve`: the application (app/site.hpp) behind the HTTP server, with its
// background workers, until SIGINT or SIGTERM.
#include <Poco/Process.h>
#include <pthread.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "app/site.hpp"
#include "cli/commands.hpp"
#include "web/http/server.hpp"

namespace vivrovert::cli {

namespace {

struct ServeFlags {
  bool no_migrate = false;
  bool no_access_log = false;
};

// The scheduled data update (data.update_day, data.update_hour): this binary's `data update`
// as a child process with the same configuration, so that its downloads, imports and grid
// build take neither the server's memory nor its threads; its lines go to the server's
// output. The server switches to the grid it wrote (app/site.hpp).
Status RunDataUpdate(const Config& config) {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error)
    return Unavailable("cannot find this program to run `data update`: " + error.message());
  Poco::Process::Args args;
  if (!config.source_file.empty()) {
    args.push_back("--config");
    args.push_back(config.source_file);
  }
  args.push_back("data");
  args.push_back("update");
  try {
    Poco::ProcessHandle child = Poco::Process::launch(self.string(), args);
    const int code = child.wait();
    if (code != 0)
      return Unavailable("`vivrovert data update` ended with code " + std::to_string(code) +
                         " (its lines above say why)");
  } catch (const Poco::Exception& failure) {
    return Unavailable("cannot run `vivrovert data update`: " + failure.displayText());
  }
  return Status::Ok();
}

int Serve(const Config& config, const ServeFlags& flags) {
  // Every thread started from here on (database pool, workers, HTTP server) inherits this
  // mask, so SIGINT/SIGTERM reach only the sigwait below, which then stops cleanly.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Result<web::TrustedProxies> trusted_proxies = web::TrustedProxies::Parse(config.trusted_proxies);
  if (!trusted_proxies.ok()) return Fail(trusted_proxies.status());
  app::SiteParts parts;
  parts.migrate = !flags.no_migrate;
  parts.access_log = flags.no_access_log ? nullptr : &std::cout;
  parts.progress = &std::cout;
  parts.data_update = [&config] { return RunDataUpdate(config); };
  auto site = app::Site::Open(config, app::SiteScope::kWeb, parts);
  if (!site.ok()) return Fail(site.status());

  web::ServerOptions server_options;
  server_options.host = config.listen_host;
  server_options.port = config.listen_port;
  server_options.threads = config.http_threads;
  server_options.max_body_bytes = config.max_body_bytes;
  server_options.request_deadline_seconds = config.request_deadline_seconds;
  server_options.trusted_proxies = std::move(trusted_proxies).value();
  // Each request is served by the generation current at its start (a new grid file is
  // switched to while serving, app/site.hpp).
  app::Site* served = site->get();
  web::HttpServer server([served] { return served->current_app(); }, server_options);
  (*site)->StartWorkers();
  if (Status started = server.Start(); !started.ok()) return Fail(started);
  std::cout << "listening on http://" << config.listen_host << ":" << server.port() << " ("
            << config.public_base_url << ", database " << (*site)->database().url().Redacted()
            << ")" << std::endl;

  int received = 0;
  sigwait(&stop_signals, &received);
  // The drain: /readyz answers 503 from now on; new connection attempts go unanswered (the
  // proxy's connect times out and it sends the request to another node) while the
  // connections already made are accepted and their requests read; then the listening
  // socket closes (new connections are refused), the requests in progress are answered,
  // the workers stop and the leadership is released. docs/RELIABILITY.md, "Rolling
  // restarts", tells why in this order.
  std::cout << "stopping on " << strsignal(received) << ": draining" << std::endl;
  (*site)->readiness().SetDraining();
  if (!server.Drain(std::chrono::seconds(10))) {
    std::cout << "drain: connections still waiting after 10 s, closed" << std::endl;
  }
  server.Stop();
  (*site)->StopWorkers();
  std::cout << "stopped" << std::endl;
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, std::vector<Command>& commands) {
  CLI::App* serve =
      app.add_subcommand("serve", "Serve the web site and its JSON API until SIGINT or SIGTERM");
  auto flags = std::make_shared<ServeFlags>();
  serve->add_flag("--no-migrate", flags->no_migrate,
                  "Do not apply pending schema migrations at start-up");
  serve->add_flag("--no-access-log", flags->no_access_log,
                  "Do not print one line per request on stdout");
  commands.push_back({serve, [flags](const Config& config) { return Serve(config, *flags); }});
}

}  // namespace vivrovert::cli
