// Outgoing mail: what the auth flows send (verification and password-reset links) and the ways it
// leaves the process. SmtpMailer speaks SMTP(S) through libcurl; LogMailer writes each mail to the
// JSON log instead (the default when no SMTP server is configured, so a development server still
// shows its links); QueuedMailer sends on a thread of its own, so a request neither waits for the
// SMTP server nor reveals by its timing whether a mail went out.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/worker_pool.h"

namespace od::auth {

struct Mail {
  std::string to;  // a bare address, "ada@example.com"
  std::string subject;
  std::string text;  // plain text, UTF-8
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Throws when the mail cannot be handed over; callers decide whether that matters.
  virtual void send(const Mail& mail) = 0;
};

struct SmtpOptions {
  std::string url;  // smtp://host:port (STARTTLS when offered) or smtps://host:port
  std::string user;
  std::string password;
  std::string from = "Open Design <no-reply@localhost>";
  long timeout_seconds = 10;
};

class SmtpMailer : public Mailer {
 public:
  // Throws std::invalid_argument when `from` is not a usable header value.
  explicit SmtpMailer(SmtpOptions options);
  void send(const Mail& mail) override;

 private:
  SmtpOptions options_;
  std::string envelope_from_;
};

class LogMailer : public Mailer {
 public:
  void send(const Mail& mail) override;
};

// Hands mails to `inner` on one background thread, in order. A full queue drops the mail (and
// logs it): mail is best effort, and a backlog must not grow without end. Destruction sends what
// is queued, then joins.
class QueuedMailer : public Mailer {
 public:
  QueuedMailer(std::unique_ptr<Mailer> inner, size_t max_queue = 1000);
  void send(const Mail& mail) override;

 private:
  std::unique_ptr<Mailer> inner_;
  WorkerPool pool_;  // declared last: its destructor drains while inner_ still exists
};

// The RFC 5322 message (CRLF line ends) for `mail` from `from`, dated `unix_ms`, with the given
// Message-ID (without angle brackets). Non-ASCII subjects and display names are RFC 2047 encoded.
// Throws std::invalid_argument when a header value holds CR, LF or another control character.
std::string format_message(const Mail& mail, const std::string& from, int64_t unix_ms,
                           const std::string& message_id);
// The addr-spec of a From value: "Open Design <a@b.c>" -> "a@b.c", "a@b.c" -> "a@b.c".
std::string address_of(const std::string& from);
// "Tue, 04 Mar 2025 09:05:00 +0000" (RFC 5322 date-time, UTC).
std::string rfc5322_date(int64_t unix_ms);

}  // namespace od::auth
