// A browser as far as request-pipeline tests need one (App::Handle, no sockets): a cookie
// jar, the CSRF token of the last page read, forms, multipart uploads and JSON calls.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "web/http/app.hpp"
#include "web_test_support.hpp"

namespace vivrovert::testing {

struct Page {
  int status = 0;
  std::string body;
  std::string location;
  std::string content_type;
  std::string cache_control;

  // The body as JSON (discarded when it is not JSON).
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
};

struct Upload {
  std::string file_name;
  std::string bytes;
  std::string content_type = "text/csv";
};

class Browser {
 public:
  explicit Browser(const web::App& app) : app_(app) {}

  Page Get(const std::string& target) { return Send("GET", target, {{"Accept", "text/html"}}, ""); }
  Page GetJson(const std::string& target) {
    return Send("GET", target, {{"Accept", "application/json"}}, "");
  }

  // A JSON API call from the page's script: the CSRF token goes in X-CSRF-Token (left out
  // to test the refusal).
  Page Api(const std::string& method, const std::string& target, const std::string& body,
           bool with_token = true) {
    web::Fields headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    if (with_token) headers.emplace_back("X-CSRF-Token", csrf_token);
    return Send(method, target, std::move(headers), body);
  }

  // Any request with these headers (an API client's Authorization header, say).
  Page Request(const std::string& method, const std::string& target, web::Fields headers,
               std::string body = {}) {
    return Send(method, target, std::move(headers), std::move(body));
  }

  Page Post(const std::string& target, web::Fields form) {
    form.emplace_back("_csrf", csrf_token);
    std::string body;
    for (const auto& [name, value] : form) {
      body += (body.empty() ? "" : "&") + Encode(name) + "=" + Encode(value);
    }
    return Send("POST", target, {{"Content-Type", "application/x-www-form-urlencoded"}},
                std::move(body));
  }

  // A multipart/form-data form with one file under the input name "file".
  Page PostFile(const std::string& target, web::Fields form, const Upload& file) {
    form.emplace_back("_csrf", csrf_token);
    const std::string boundary = "----vivrovert-test-boundary-7MA4YWxkTrZu0gW";
    std::string body;
    for (const auto& [name, value] : form) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
              "\"\r\n\r\n" + value + "\r\n";
    }
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
            file.file_name + "\"\r\nContent-Type: " + file.content_type + "\r\n\r\n" + file.bytes +
            "\r\n";
    body += "--" + boundary + "--\r\n";
    return Send("POST", target, {{"Content-Type", "multipart/form-data; boundary=" + boundary}},
                std::move(body));
  }

  // Logs in through the login page, then reads a page for the signed-in CSRF token.
  void LogIn(const std::string& email, const std::string& password) {
    Page form = Get("/compte/connexion");
    ASSERT_EQ(form.status, 200) << form.body;
    Page login = Post("/compte/connexion", {{"email", email}, {"password", password}});
    ASSERT_EQ(login.status, 303) << email << "\n" << login.body;
    Page account = Get("/compte");
    ASSERT_EQ(account.status, 200) << account.body;
  }

  std::string csrf_token;
  // The Host header every request carries (a partner's own site, say); none when empty.
  std::string host;
  // The Set-Cookie header values of the last answer.
  std::vector<std::string> last_set_cookies;

 private:
  static std::string Encode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    return out;
  }

  Page Send(const std::string& method, const std::string& target, web::Fields headers,
            std::string body) {
    std::string cookie_header;
    for (const auto& [name, value] : cookies_)
      cookie_header += (cookie_header.empty() ? "" : "; ") + name + "=" + value;
    if (!cookie_header.empty()) headers.emplace_back("Cookie", cookie_header);
    if (!host.empty()) headers.emplace_back("Host", host);
    web::Response response =
        app_.Handle(MustParse(method, target, std::move(headers), std::move(body)));
    for (const web::SetCookie& cookie : response.cookies()) {
      if (cookie.max_age == 0 || cookie.value.empty()) {
        cookies_.erase(cookie.name);
      } else {
        cookies_[cookie.name] = cookie.value;
      }
    }
    last_set_cookies.clear();
    for (const web::SetCookie& cookie : response.cookies())
      last_set_cookies.push_back(cookie.ToHeaderValue());
    Page page;
    page.status = response.status();
    page.body = response.body();
    page.location = response.Header("Location").value_or("");
    page.content_type = response.Header("Content-Type").value_or("");
    page.cache_control = response.Header("Cache-Control").value_or("");
    if (std::string token = MetaCsrfToken(page.body); !token.empty()) csrf_token = token;
    return page;
  }

  const web::App& app_;
  std::map<std::string, std::string> cookies_;
};

}  // namespace vivrovert::testing
