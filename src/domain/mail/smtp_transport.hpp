// SMTP delivery of one message: the interface MailSender depends on, and the real
// implementation over Poco::Net::SMTPClientSession.
//
// The interface exists so the sender can be given another environment (a relay on
// another port, a relay that refuses), not to fake SMTP: the tests talk to real SMTP
// servers (tests/mail/).
#pragma once

#include <string>
#include <string_view>

#include "core/common/status.hpp"
#include "core/config/config.hpp"
#include "domain/mail/outbox.hpp"

namespace vivrovert::mail {

// Hands messages to an SMTP relay.
//
// Send returns:
//  - Ok: the relay accepted the message (it now owns its delivery);
//  - kUnavailable: a temporary failure worth retrying later (4xx reply, connection
//    refused or reset, timeout, relay unreachable or refusing our login);
//  - kFailedPrecondition: the relay refused this message for good (5xx reply to its
//    transaction: MAIL FROM, RCPT TO or DATA); retrying would fail the same way;
//  - any other code: a permanent failure found before talking to the relay (malformed
//    recipient).
// Send never throws. Implementations are thread-safe.
class SmtpTransport {
 public:
  virtual ~SmtpTransport() = default;
  virtual Status Send(const OutgoingMessage& message) = 0;
};

// True for the failures Send reports as temporary.
inline bool IsTemporaryFailure(const Status& status) {
  return status.code() == StatusCode::kUnavailable;
}

// True for a permanent refusal by the relay (a 5xx reply to this message's
// transaction), as opposed to a message we never handed over: what makes an address
// "bouncing" (domain/mail/bounces.hpp).
inline bool IsRelayRefusal(const Status& status) {
  return status.code() == StatusCode::kFailedPrecondition;
}

// The Message-ID header of the message with this idempotency key, e.g.
// "<3f2a…@vivrovert.fr>": a hash of the key (stable: the same key always gives the same
// id, so a resend after a crash is recognisable as the same message, and the key's
// content is not disclosed) at the domain of `from_address` ("Name <user@domain>" or
// "user@domain").
std::string MessageIdFor(std::string_view idempotency_key, std::string_view from_address);

// The real transport: one SMTP session per message to config.host:config.port.
// The message is multipart/alternative (text/plain then text/html, UTF-8,
// quoted-printable), its subject RFC 2047-encoded, From taken from config.from_address,
// Message-ID from MessageIdFor. The session is encrypted with STARTTLS when
// RelayNeedsStartTls(config) (by default: any relay not on this machine), the relay's
// certificate checked against the system's CAs and config.host; a relay that does not
// offer STARTTLS then gets nothing (kUnavailable, saying so). When config.username is
// set it logs in with AUTH LOGIN, after STARTTLS when there is one.
// config.timeout_seconds bounds each SMTP reply, and the connection when in plain text.
//
// Classification: replies of the relay are read from the code Poco's SMTPException
// carries (4xx temporary, 5xx permanent). A refusal while opening the session (greeting,
// EHLO, login) is always temporary, whatever its code: it says the relay or our
// configuration is wrong, not this message, and retrying after the fix delivers it.
// True for a relay on this machine: "localhost", "*.localhost", 127.0.0.0/8, ::1.
bool IsLocalRelay(std::string_view host);
// Whether config.tls asks for STARTTLS with config.host: kAuto for any non-local relay.
bool RelayNeedsStartTls(const SmtpConfig& config);

class PocoSmtpTransport final : public SmtpTransport {
 public:
  explicit PocoSmtpTransport(SmtpConfig config);
  Status Send(const OutgoingMessage& message) override;

 private:
  SmtpConfig config_;
};

}  // namespace vivrovert::mail
