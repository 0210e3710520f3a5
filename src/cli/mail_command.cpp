// `vivrovert mail deliver`, `vivrovert mail list` and `vivrovert mail stats`: the
// operator's handles on the outbox (mail/).
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "app/site.hpp"
#include "cli/commands.hpp"
#include "core/common/env.hpp"
#include "domain/mail/bounces.hpp"
#include "domain/mail/outbox.hpp"

namespace vivrovert::cli {

namespace {

// `text` padded or cut to `width` - 1 characters, then a space between columns. Counts
// UTF-8 code points so that French subjects keep the columns aligned.
std::string Column(const std::string& text, size_t width) {
  const size_t room = width - 1;
  std::string out;
  size_t characters = 0;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    const bool starts_character = (static_cast<unsigned char>(text[pos]) & 0xC0) != 0x80;
    if (starts_character) {
      if (characters + 1 == room && pos + 1 < text.size()) {
        out += "…";
        ++characters;
        break;
      }
      ++characters;
    }
    out.push_back(text[pos]);
  }
  out.append(room - characters + 1, ' ');
  return out;
}

// The application's mail scope, on the database as it is: the outbox commands never
// migrate (the server and `vivrovert migrate` do).
Result<std::unique_ptr<app::Site>> OpenOutbox(const Config& config) {
  app::SiteParts parts;
  parts.migrate = false;
  return app::Site::Open(config, app::SiteScope::kMail, parts);
}

}  // namespace

void RegisterMailCommand(CLI::App& app, std::vector<Command>& commands) {
  CLI::App* mail =
      app.add_subcommand("mail", "The mail outbox: deliver due mail, inspect it, count it");
  mail->require_subcommand(1);

  CLI::App* deliver = mail->add_subcommand("deliver", "Send the mail that is due, once, then exit");
  auto deliver_limit = std::make_shared<int>(1000);
  deliver->add_option("--limit", *deliver_limit, "At most this many messages")
      ->check(CLI::PositiveNumber);
  commands.push_back({deliver, [deliver_limit](const Config& config) {
                        auto site = OpenOutbox(config);
                        if (!site.ok()) return Fail(site.status());
                        mail::DeliveryReport report =
                            (*site)->mail_sender().DeliverDue(*deliver_limit);
                        std::cout << "sent " << report.sent << ", retried later " << report.retried
                                  << ", failed " << report.failed
                                  << " (refused for good by the relay: " << report.bounced << ")\n";
                        return 0;
                      }});

  CLI::App* list = mail->add_subcommand("list", "Show the outbox, newest first");
  auto status_filter = std::make_shared<std::string>();
  auto list_limit = std::make_shared<int>(50);
  list->add_option("--status", *status_filter, "Only mail in this state")
      ->check(CLI::IsMember({"pending", "sending", "sent", "failed"}));
  list->add_option("--limit", *list_limit, "At most this many rows")->check(CLI::PositiveNumber);
  commands.push_back(
      {list, [status_filter, list_limit](const Config& config) {
         auto site = OpenOutbox(config);
         if (!site.ok()) return Fail(site.status());
         std::optional<mail::OutboxStatus> status;
         if (!status_filter->empty()) status = mail::ParseOutboxStatus(*status_filter);
         storage::Connection connection = (*site)->database().Acquire();
         std::vector<mail::OutboxEntry> entries = mail::ListOutbox(connection, status, *list_limit);
         std::cout << Column("id", 7) << Column("to", 30) << Column("subject", 40)
                   << Column("status", 8) << Column("tries", 6) << Column("next attempt", 22)
                   << "last error\n";
         for (const mail::OutboxEntry& entry : entries) {
           const bool waiting = entry.status == mail::OutboxStatus::kPending;
           std::cout << Column(std::to_string(entry.id), 7) << Column(entry.to_address, 30)
                     << Column(entry.subject, 40) << Column(mail::OutboxStatusName(entry.status), 8)
                     << Column(std::to_string(entry.attempts), 6)
                     << Column(
                            waiting ? FormatUtc(entry.next_attempt_at, "%Y-%m-%d %H:%M:%SZ") : "-",
                            22)
                     << entry.last_error << "\n";
         }
         std::cout << entries.size() << " message(s)\n";
         return 0;
       }});

  CLI::App* stats =
      mail->add_subcommand("stats", "Count the outbox as the operator console shows it");
  commands.push_back({stats, [](const Config& config) {
                        auto site = OpenOutbox(config);
                        if (!site.ok()) return Fail(site.status());
                        storage::Connection connection = (*site)->database().Acquire();
                        const mail::OutboxCounts counts =
                            mail::CountOutbox(connection, SystemClock::Instance().NowSeconds());
                        std::cout << "pending " << counts.pending << " (due now "
                                  << counts.pending_due << ")\n"
                                  << "sending " << counts.sending << "\n"
                                  << "failed " << counts.failed << "\n"
                                  << "sent in the last 24 h " << counts.sent_last_24h << "\n"
                                  << "oldest due pending "
                                  << (counts.oldest_due_age_seconds
                                          ? std::to_string(*counts.oldest_due_age_seconds) + " s"
                                          : "-")
                                  << "\n"
                                  << "bouncing addresses " << mail::CountBounces(connection)
                                  << "\n";
                        return 0;
                      }});
}

}  // namespace vivrovert::cli
