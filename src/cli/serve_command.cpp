#include <pthread.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "common/env.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "web/app.hpp"
#include "web/server.hpp"
#include "web/shell_routes.hpp"

namespace vivrovert::cli {

namespace {

struct ServeFlags {
  bool no_migrate = false;
  bool no_access_log = false;
};

int Serve(const Config& config, const ServeFlags& flags) {
  // Every thread started from here on (database pool, HTTP server) inherits this mask,
  // so SIGINT/SIGTERM reach only the sigwait below, which then stops the server cleanly.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  storage::PoolOptions pool;
  pool.max_sessions = config.database_pool_size;
  auto database = storage::Database::Open(config.database_url, pool);
  if (!database.ok()) return Fail(database.status());
  if (!flags.no_migrate) {
    auto applied = storage::Migrate(**database);
    if (!applied.ok()) return Fail(applied.status());
    for (const auto& migration : *applied) std::cout << "applied migration " << migration.version << " " << migration.name << "\n";
  }
  auto secret_key = config.SecretKey();
  if (!secret_key.ok()) return Fail(secret_key.status());

  std::filesystem::path resources(config.resource_dir);
  auto templates = web::TemplateRenderer::Load((resources / "templates" / "pages").string());
  if (!templates.ok()) return Fail(templates.status());
  std::string dist = (resources / "frontend" / "dist").string();
  auto assets = web::AssetManifest::Load(dist);
  if (!assets.ok()) return Fail(assets.status());
  if (assets->empty()) {
    std::cerr << "vivrovert: warning: no front-end bundles in " << dist
              << " (run `make frontend`): pages are served without styles and scripts\n";
  }
  auto static_files = web::StaticFiles::Load(dist, *assets);
  if (!static_files.ok()) return Fail(static_files.status());

  web::AppOptions options;
  options.public_base_url = config.public_base_url;
  options.secret_key = *secret_key;
  options.access_log = flags.no_access_log ? nullptr : &std::cout;
  options.error_log = &std::cerr;
  auto app = std::make_unique<web::App>(std::move(options), std::move(*templates), std::move(*assets),
                                        std::move(*static_files), SystemClock::Instance(), SecureRandom::Instance());
  web::RegisterShellRoutes(*app, **database);

  web::ServerOptions server_options;
  server_options.host = config.listen_host;
  server_options.port = config.listen_port;
  server_options.threads = config.http_threads;
  server_options.max_body_bytes = config.max_body_bytes;
  web::HttpServer server(*app, server_options);
  if (Status started = server.Start(); !started.ok()) return Fail(started);
  std::cout << "listening on http://" << config.listen_host << ":" << server.port() << " ("
            << config.public_base_url << ", database " << (*database)->url().Redacted() << ")" << std::endl;

  int received = 0;
  sigwait(&stop_signals, &received);
  std::cout << "stopping on " << strsignal(received) << std::endl;
  server.Stop();
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, std::vector<Command>& commands) {
  CLI::App* serve = app.add_subcommand("serve", "Serve the web site and its JSON API until SIGINT or SIGTERM");
  auto flags = std::make_shared<ServeFlags>();
  serve->add_flag("--no-migrate", flags->no_migrate, "Do not apply pending schema migrations at start-up");
  serve->add_flag("--no-access-log", flags->no_access_log, "Do not print one line per request on stdout");
  commands.push_back({serve, [flags](const Config& config) { return Serve(config, *flags); }});
}

}  // namespace vivrovert::cli
