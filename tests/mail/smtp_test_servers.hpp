// Real SMTP servers for the mail tests, and what they received.
//
//  - The shared server of scripts/with-test-services.sh (aiosmtpd, accepts everything):
//    SharedSmtpPort() / SharedMaildir().
//  - FaultSmtpServer: tests/mail/fault_smtp.py, started by the test on a free port with
//    its own Maildir; it answers 4xx or 5xx according to the recipient (see the script).
//  - ReadMaildir: the received mail as Python's e-mail parser decodes it
//    (tests/mail/maildir_dump.py), so the tests check what a mail reader would show.
//
// Errors (a server that does not start, a missing variable) throw std::runtime_error.
#pragma once

#include <Poco/Pipe.h>
#include <Poco/Process.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vivrovert::mail::testing {

// Port and Maildir of the shared SMTP server; throw when not run through
// scripts/with-test-services.sh.
uint16_t SharedSmtpPort();
std::string SharedMaildir();

// A port on 127.0.0.1 with nothing listening on it.
uint16_t UnusedPort();

// A recipient address no other test uses: "<prefix>-<random>@example.test".
std::string UniqueAddress(const std::string& prefix);

struct ReceivedMail {
  std::string to;
  std::string from;
  std::string subject;  // decoded
  std::string message_id;
  std::string content_type;
  std::string rcpt_to;  // envelope recipients, as the server saw them
  std::string text;     // decoded text/plain part, empty when absent
  std::string text_charset;
  std::string html;  // decoded text/html part, empty when absent
  std::string html_charset;
  std::string list_unsubscribe;       // the List-Unsubscribe header, empty when absent
  std::string list_unsubscribe_post;  // the List-Unsubscribe-Post header, empty when absent
  // Every header, in order, with values unfolded (e.g. List-Unsubscribe).
  std::vector<std::pair<std::string, std::string>> headers;

  // The value of the first header named `name` (case-insensitive), nullopt when absent.
  std::optional<std::string> Header(std::string_view name) const;
};

// Every message in the Maildir `folder` (none when it does not exist yet).
std::vector<ReceivedMail> ReadMaildir(const std::string& folder);
// Those whose envelope recipient is `address`.
std::vector<ReceivedMail> MailTo(const std::string& folder, const std::string& address);

class FaultSmtpServer {
 public:
  // Starts the server; `auth` "USER:PASSWORD" makes it require AUTH; `port` 0 lets it
  // pick a free port, another value makes it listen there (a relay coming back on the
  // port of one that was stopped).
  explicit FaultSmtpServer(const std::string& auth = {}, uint16_t port = 0);
  FaultSmtpServer(const FaultSmtpServer&) = delete;
  FaultSmtpServer& operator=(const FaultSmtpServer&) = delete;
  // Stops the server (closing its stdin) and removes its Maildir.
  ~FaultSmtpServer();

  uint16_t port() const { return port_; }
  const std::string& maildir() const { return maildir_; }

 private:
  std::string folder_;
  std::string maildir_;
  Poco::Pipe stdin_;
  std::unique_ptr<Poco::ProcessHandle> process_;
  uint16_t port_ = 0;
};

}  // namespace vivrovert::mail::testing
