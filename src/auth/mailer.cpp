#include "auth/mailer.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include "auth/curl_handle.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/time.h"

namespace od::auth {
namespace {

// Header injection guard: a CR or LF in a value would let it start new headers (or the body).
void check_header_value(const char* name, const std::string& value) {
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7F) {
      throw std::invalid_argument(std::string("mail header ") + name +
                                  " holds a control character (CR, LF, ...)");
    }
  }
}

bool is_ascii(const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return false;
  }
  return true;
}

// RFC 2047 "encoded-word" for non-ASCII header text; ASCII is kept as it is.
std::string encode_word(const std::string& text) {
  if (is_ascii(text)) return text;
  return "=?UTF-8?B?" + crypto::base64_encode(text) + "?=";
}

std::string format_from(const std::string& from) {
  size_t open = from.rfind('<');
  if (open == std::string::npos) return from;
  std::string name = from.substr(0, open);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  if (name.empty()) return from.substr(open);
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  // Quote ASCII names so specials such as ',' or '.' in them stay part of the name.
  std::string shown = is_ascii(name) ? "\"" + name + "\"" : encode_word(name);
  return shown + " " + from.substr(open);
}

// Text lines end in CRLF in a message, whatever the template used.
std::string crlf_lines(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\r\n";
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out.push_back(c);
    }
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t read_upload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  size_t n = std::min(size * count, upload->data->size() - upload->offset);
  upload->data->copy(buffer, n, upload->offset);
  upload->offset += n;
  return n;
}

}  // namespace

std::string address_of(const std::string& from) {
  size_t open = from.rfind('<');
  if (open == std::string::npos) return from;
  size_t close = from.find('>', open);
  if (close == std::string::npos) throw std::invalid_argument("mail-from lacks a closing '>'");
  return from.substr(open + 1, close - open - 1);
}

std::string rfc5322_date(int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  // Fixed English names: strftime's %a/%b would follow the process locale.
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char out[40];
  std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[utc.tm_wday],
                utc.tm_mday, kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return out;
}

std::string format_message(const Mail& mail, const std::string& from, int64_t unix_ms,
                           const std::string& message_id) {
  check_header_value("To", mail.to);
  check_header_value("Subject", mail.subject);
  check_header_value("From", from);
  check_header_value("Message-ID", message_id);
  if (mail.to.empty() || mail.to.find('@') == std::string::npos) {
    throw std::invalid_argument("mail recipient is not an address: '" + mail.to + "'");
  }
  std::string message;
  message += "Date: " + rfc5322_date(unix_ms) + "\r\n";
  message += "From: " + format_from(from) + "\r\n";
  message += "To: <" + mail.to + ">\r\n";
  message += "Message-ID: <" + message_id + ">\r\n";
  message += "Subject: " + encode_word(mail.subject) + "\r\n";
  message += "MIME-Version: 1.0\r\n";
  message += "Content-Type: text/plain; charset=utf-8\r\n";
  message += "Content-Transfer-Encoding: 8bit\r\n";
  message += "\r\n";
  message += crlf_lines(mail.text);
  return message;
}

SmtpMailer::SmtpMailer(SmtpOptions options) : options_(std::move(options)) {
  check_header_value("From", options_.from);
  envelope_from_ = address_of(options_.from);
  if (envelope_from_.find('@') == std::string::npos) {
    throw std::invalid_argument("mail-from must hold an address, e.g. 'Name <a@example.com>'");
  }
}

void SmtpMailer::send(const Mail& mail) {
  std::string domain = envelope_from_.substr(envelope_from_.find('@') + 1);
  std::string message =
      format_message(mail, options_.from, now_ms(), crypto::random_token(18) + "@" + domain);

  CurlEasy curl = make_curl();
  CURL* h = curl.get();
  CurlList recipients;
  curl_list_append(recipients, "<" + mail.to + ">");
  Upload upload{&message};
  std::string envelope = "<" + envelope_from_ + ">";

  curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  // smtp:// upgrades with STARTTLS when the server offers it; smtps:// is TLS from the start.
  curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  if (!options_.user.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, options_.user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, envelope.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT, options_.timeout_seconds);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, std::min(options_.timeout_seconds, 5L));

  CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    throw std::runtime_error(std::string("SMTP delivery failed: ") + curl_easy_strerror(rc));
  }
}

void LogMailer::send(const Mail& mail) {
  log::info("mail", {{"to", mail.to}, {"subject", mail.subject}, {"text", mail.text}});
}

QueuedMailer::QueuedMailer(std::unique_ptr<Mailer> inner, size_t max_queue)
    : inner_(std::move(inner)), pool_(1, max_queue, "mail") {}

void QueuedMailer::send(const Mail& mail) {
  std::string request_id = log::current_request_id();
  bool queued = pool_.try_submit([this, mail, request_id] {
    log::RequestLogScope scope(request_id);  // failures log under the request that caused them
    try {
      inner_->send(mail);
      log::info("mail sent", {{"to", mail.to}, {"subject", mail.subject}});
    } catch (const std::exception& e) {
      log::error("mail not sent", {{"to", mail.to}, {"error", e.what()}});
    }
  });
  if (!queued) log::error("mail dropped: the outgoing queue is full", {{"to", mail.to}});
}

}  // namespace od::auth
