// The whole application as `vivrovert serve` builds it (app::Site, scope kWeb), for tests
// that go through the request pipeline (App::Handle, no sockets): what they exercise is the
// wiring the server runs, not a hand-made copy of it.
//
// Each TestSite has the database under test (a fresh one, tests/support/test_database.hpp),
// a manual clock at kTestNow, the templates of the source tree, a cheap password hash and a
// private var/ folder. The grid of the Lot and the amenities of ../shared/data are loaded
// once per binary and shared by every TestSite. Mail is queued in the outbox and never
// delivered (the site's workers are not started; a test that delivers starts an SMTP
// server and calls site().mail_sender()). Construction throws std::runtime_error with the
// reason when the site cannot be built.
//
// The including test target links vivrovert_test_site (tests/CMakeLists.txt), which
// defines VIVROVERT_SOURCE_ROOT and VIVROVERT_TEST_DATA_DIR.
#pragma once

#include <cstdint>
#include <functional>
#include <sstream>
#include <string>

#include "app/site.hpp"
#include "support/test_accounts.hpp"
#include "support/test_database.hpp"
#include "support/test_text.hpp"
#include "test_browser.hpp"
#include "web_test_support.hpp"

namespace vivrovert::testing {

inline constexpr const char* kTestBaseUrl = "http://localhost:8080";

class TestSite {
 public:
  // `adjust` changes the test configuration before the site is built (a limit, say).
  explicit TestSite(const std::function<void(Config&)>& adjust = {});
  ~TestSite();

  app::Site& site() { return *site_; }
  web::App& app() { return site_->app(); }
  storage::Database& db() { return database_.db(); }
  TestDatabase& database() { return database_; }
  ManualClock& clock() { return clock_; }
  const engine::GridFile& grid() const;
  // What the site wrote on its error log (a 500's reason, say).
  std::string errors() const { return error_log_.str(); }

  // A verified account with password kTestPassword.
  int64_t CreateUser(const std::string& email, accounts::Role role,
                     const std::string& display_name = "");
  // A browser logged in as `email` (password kTestPassword) through /compte/connexion.
  Browser SignedIn(const std::string& email);
  // COUNT(*) of `table`, optionally WHERE `where` (test-written SQL only).
  int64_t Count(const std::string& table, const std::string& where = "");

 private:
  TempDir var_;
  TestDatabase database_;
  ManualClock clock_{kTestNow};
  std::ostringstream error_log_;
  std::unique_ptr<app::Site> site_;
};

}  // namespace vivrovert::testing
