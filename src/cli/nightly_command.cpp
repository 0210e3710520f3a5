// `vivrovert nightly`: the night's run at once (jobs/nightly/nightly_run.hpp), for cron or an
// operator; the server also starts it by itself (`nightly.hour`).
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/lead_report_hooks.hpp"
#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "core/storage/migrations.hpp"
#include "domain/mail/sender.hpp"
#include "domain/mail/smtp_transport.hpp"
#include "domain/mail/templates.hpp"
#include "domain/matching/matcher.hpp"
#include "domain/notifications/notification_pass.hpp"
#include "engine/engine.hpp"
#include "jobs/nightly/calendar.hpp"
#include "jobs/nightly/nightly_run.hpp"

namespace vivrovert::cli {

namespace {

struct NightlyFlags {
  std::string date;  // empty: today in Paris
  int batch = 200;
  int pause_ms = 0;
  bool deliver = false;
};

int RunNightly(const Config& config, const NightlyFlags& flags) {
  const int64_t now = SystemClock::Instance().NowSeconds();
  const std::string run_date = flags.date.empty() ? nightly::ParisDate(now) : flags.date;
  if (!nightly::IsDate(run_date))
    return Fail(InvalidArgument("--date must be a date AAAA-MM-JJ: " + run_date, "date"));
  auto database = storage::Database::Open(config.database_url);
  if (!database.ok()) return Fail(database.status());
  auto applied = storage::Migrate(**database);
  if (!applied.ok()) return Fail(applied.status());
  auto secret_key = config.SecretKey();
  if (!secret_key.ok()) return Fail(secret_key.status());
  auto templates = mail::MailTemplates::Load(config.resource_dir);
  if (!templates.ok()) return Fail(templates.status());
  engine::SearchBackend backend = engine::SearchBackend::Load(config.grid_file);
  if (!backend.engine) std::cerr << "vivrovert: warning: " << backend.load_status.message() << "\n";

  matching::Matcher matcher(**database, backend.engine.get());
  matching::LoadStats loaded = matcher.Rebuild(now);
  std::cout << "matching index: " << loaded.people << " people, " << loaded.searches
            << " searches (" << loaded.recomputed << " recomputed) in " << loaded.seconds << " s"
            << std::endl;
  notifications::NotificationPass pass(**database, matcher, *templates, backend.grid.get(),
                                       SystemClock::Instance(),
                                       {config.public_base_url, *secret_key, flags.batch});
  nightly::NightlyOptions options{config.public_base_url,
                                  *secret_key,
                                  flags.batch,
                                  flags.pause_ms,
                                  [](const std::string& line) { std::cout << line << std::endl; },
                                  nightly::RetentionPolicy{}};
  nightly::NightlyRun run(**database, pass, *templates, backend.grid.get(), SystemClock::Instance(),
                          options,
                          NightlyLeadReports(config, *templates, *secret_key, backend.grid.get()));
  nightly::NightlyReport report = run.Run(run_date);
  std::cout << "nightly " << report.run_date << ": matched " << report.pass.listings
            << " listings (" << report.pass.notified << " notifications, "
            << report.pass.instant_mails << " instant mails); digests " << report.digests_queued
            << " queued, " << report.digests_empty << " with nothing new, "
            << report.digests_not_due << " not due, " << report.undeliverable
            << " undeliverable; lead reports " << report.report_tasks_done << " partners, "
            << report.report_mails << " mails; " << nightly::RetentionSummary(report.retention)
            << "; " << (report.finished ? "finished" : "NOT finished") << " in " << report.seconds
            << " s" << std::endl;
  if (flags.deliver) {
    mail::PocoSmtpTransport transport(config.smtp);
    mail::MailSender sender(**database, transport, SystemClock::Instance());
    mail::DeliveryReport delivered{};
    for (mail::DeliveryReport pass_report; (pass_report = sender.DeliverDue(1000)).total() > 0;) {
      delivered.sent += pass_report.sent;
      delivered.retried += pass_report.retried;
      delivered.failed += pass_report.failed;
      if (pass_report.sent == 0) break;  // only retries left: the mail worker takes over
    }
    std::cout << "mail: sent " << delivered.sent << ", retried later " << delivered.retried
              << ", failed " << delivered.failed << std::endl;
  }
  return report.finished ? 0 : 1;
}

}  // namespace

void RegisterNightlyCommand(CLI::App& app, std::vector<Command>& commands) {
  CLI::App* nightly = app.add_subcommand(
      "nightly",
      "The night's run: match new listings, queue digests and partners' lead reports (resumable)");
  auto flags = std::make_shared<NightlyFlags>();
  nightly->add_option("--date", flags->date,
                      "The run's date AAAA-MM-JJ (default: today, Paris time)");
  nightly->add_option("--batch", flags->batch, "People per transaction")
      ->check(CLI::Range(1, 5000));
  nightly
      ->add_option("--pause-ms", flags->pause_ms, "Wait between batches, to spare a busy database")
      ->check(CLI::Range(0, 600000));
  nightly->add_flag("--deliver", flags->deliver,
                    "Send the queued mail afterwards (otherwise the server's mail worker or "
                    "`vivrovert mail deliver` does)");
  commands.push_back(
      {nightly, [flags](const Config& config) { return RunNightly(config, *flags); }});
}

}  // namespace vivrovert::cli
