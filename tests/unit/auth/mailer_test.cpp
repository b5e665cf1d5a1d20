// Mail formatting: the RFC 5322 headers the SMTP mailer sends, and refusal of header injection.
#include <gtest/gtest.h>

#include <stdexcept>

#include "auth/mailer.h"

namespace od::auth {
namespace {

constexpr int64_t kMarch4th2025 = 1741079100000;  // 2025-03-04T09:05:00Z, a Tuesday

TEST(Mailer, FormatsTheHeadersAndTheBody) {
  Mail mail{"ada@example.com", "Confirm your email address", "Hello\nline two"};
  std::string message =
      format_message(mail, "Open Design <no-reply@example.com>", kMarch4th2025, "abc@example.com");
  std::string head = message.substr(0, message.find("\r\n\r\n") + 2);
  EXPECT_NE(head.find("Date: Tue, 04 Mar 2025 09:05:00 +0000\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("From: \"Open Design\" <no-reply@example.com>\r\n"), std::string::npos);
  EXPECT_NE(head.find("To: <ada@example.com>\r\n"), std::string::npos);
  EXPECT_NE(head.find("Message-ID: <abc@example.com>\r\n"), std::string::npos);
  EXPECT_NE(head.find("Subject: Confirm your email address\r\n"), std::string::npos);
  EXPECT_NE(head.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  // Bare LF in the text becomes CRLF, and the message ends with a line end.
  EXPECT_EQ(message.substr(message.find("\r\n\r\n") + 4), "Hello\r\nline two\r\n");
}

TEST(Mailer, EncodesNonAsciiSubjectsAndNames) {
  Mail mail{"ada@example.com", "Bienvenue à bord", "x"};
  std::string message = format_message(mail, "Équipe <a@example.com>", kMarch4th2025, "m@x");
  EXPECT_NE(message.find("Subject: =?UTF-8?B?QmllbnZlbnVlIMOgIGJvcmQ=?=\r\n"), std::string::npos)
      << message;
  EXPECT_NE(message.find("From: =?UTF-8?B?w4lxdWlwZQ==?= <a@example.com>\r\n"), std::string::npos)
      << message;
}

TEST(Mailer, RefusesLineBreaksInHeaderValues) {
  const std::string from = "Open Design <no-reply@example.com>";
  EXPECT_THROW(format_message({"ada@example.com", "Hi\r\nBcc: eve@example.com", "x"}, from, 0, "m"),
               std::invalid_argument);
  EXPECT_THROW(format_message({"ada@example.com", "Hi\nBcc: eve@example.com", "x"}, from, 0, "m"),
               std::invalid_argument);
  EXPECT_THROW(format_message({"ada@example.com\r\nBcc: eve@example.com", "Hi", "x"}, from, 0, "m"),
               std::invalid_argument);
  EXPECT_THROW(format_message({"ada@example.com", "Hi", "x"}, "A <a@x.io>\rBcc: e@x.io", 0, "m"),
               std::invalid_argument);
  EXPECT_THROW(format_message({"not-an-address", "Hi", "x"}, from, 0, "m"), std::invalid_argument);
  SmtpOptions options;
  options.url = "smtp://127.0.0.1:1";
  options.from = "Open Design <no-reply@example.com>\nBcc: eve@example.com";
  EXPECT_THROW(SmtpMailer{options}, std::invalid_argument);
}

TEST(Mailer, TakesTheAddressOutOfAFromValue) {
  EXPECT_EQ(address_of("Open Design <no-reply@example.com>"), "no-reply@example.com");
  EXPECT_EQ(address_of("no-reply@example.com"), "no-reply@example.com");
  EXPECT_THROW(address_of("Open Design <no-reply@example.com"), std::invalid_argument);
}

TEST(Mailer, ReportsAnUnreachableSmtpServer) {
  SmtpOptions options;
  options.url = "smtp://127.0.0.1:1";  // nothing listens on port 1
  options.timeout_seconds = 5;
  SmtpMailer mailer(options);
  EXPECT_THROW(mailer.send({"ada@example.com", "Hi", "x"}), std::runtime_error);
}

}  // namespace
}  // namespace od::auth
