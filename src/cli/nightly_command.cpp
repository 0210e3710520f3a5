// `vivrovert nightly`: the night's run at once (jobs/nightly/nightly_run.hpp), for cron or an
// operator; the server also starts it by itself (`nightly.hour`).
#include <iostream>
#include <memory>

#include "app/site.hpp"
#include "cli/commands.hpp"
#include "core/common/env.hpp"
#include "jobs/nightly/calendar.hpp"

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
  const std::string run_date = flags.date.empty() ? ParisDate(now) : flags.date;
  if (!nightly::IsDate(run_date))
    return Fail(InvalidArgument("--date must be a date AAAA-MM-JJ: " + run_date, "date"));
  app::SiteParts parts;
  parts.progress = &std::cout;
  parts.batch = flags.batch;
  parts.pause_ms = flags.pause_ms;
  auto site = app::Site::Open(config, app::SiteScope::kJobs, parts);
  if (!site.ok()) return Fail(site.status());

  nightly::NightlyReport report = (*site)->nightly_run().Run(run_date);
  std::cout << "nightly " << report.run_date << ": matched " << report.pass.listings
            << " listings (" << report.pass.notified << " notifications, "
            << report.pass.instant_mails << " instant mails); digests " << report.digests_queued
            << " queued, " << report.digests_empty << " with nothing new, "
            << report.digests_not_due << " not due, " << report.undeliverable
            << " undeliverable; lead reports " << report.report_tasks_done << " partners, "
            << report.report_mails << " mails; invoices " << report.invoices_issued << " issued, "
            << report.invoice_reminders << " reminders; barometers " << report.barometer_reports
            << " issued, " << report.barometer_mails << " mails; "
            << nightly::RetentionSummary(report.retention) << "; "
            << (report.finished ? "finished" : "NOT finished") << " in " << report.seconds << " s"
            << std::endl;
  if (flags.deliver) {
    mail::MailSender& sender = (*site)->mail_sender();
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
