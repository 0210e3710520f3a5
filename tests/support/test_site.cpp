#include "support/test_site.hpp"

#include <stdexcept>

#include "data/amenities/amenity_sources.hpp"
#include "support/lot_grid.hpp"

namespace vivrovert::testing {

namespace {

// Loaded once per binary, shared by every TestSite.
const engine::SearchBackend& LotSearch() {
  static const engine::SearchBackend* const backend =
      new engine::SearchBackend(engine::SearchBackend::Load(LotGridPath()));
  if (!backend->grid)
    throw std::runtime_error("grid of the Lot: " + backend->load_status.ToString());
  return *backend;
}

const amenities::AmenityIndex& DataAmenities() {
  static const amenities::AmenityIndex* const index = [] {
    auto loaded =
        amenities::LoadAmenities({VIVROVERT_TEST_DATA_DIR,
                                  "",
                                  std::string(VIVROVERT_SOURCE_ROOT) + "/data/criteria.json",
                                  {}});
    if (!loaded.ok()) throw std::runtime_error("amenities: " + loaded.status().ToString());
    return new amenities::AmenityIndex(std::move(loaded).value());
  }();
  return *index;
}

}  // namespace

TestSite::TestSite(const std::function<void(Config&)>& adjust) {
  Config config;
  config.public_base_url = kTestBaseUrl;
  config.secret_key = kTestSecret;
  config.resource_dir = VIVROVERT_SOURCE_ROOT;
  config.data_dir = VIVROVERT_TEST_DATA_DIR;
  config.var_dir = var_.path().string();
  config.grid_file = LotGridPath();
  config.nightly_hour = -1;
  if (adjust) adjust(config);
  app::SiteParts parts;
  parts.database = &database_.db();
  parts.clock = &clock_;
  parts.hasher = &TestHasher();
  parts.search = &LotSearch();
  parts.amenities = &DataAmenities();
  parts.warm_map_outlines = false;
  parts.error_log = &error_log_;
  parts.migrate = false;  // TestDatabase migrated it
  auto site = app::Site::Open(config, app::SiteScope::kWeb, parts);
  if (!site.ok()) throw std::runtime_error("TestSite: " + site.status().ToString());
  site_ = std::move(site).value();
}

TestSite::~TestSite() = default;

const engine::GridFile& TestSite::grid() const { return *LotSearch().grid; }

int64_t TestSite::CreateUser(const std::string& email, accounts::Role role,
                             const std::string& display_name) {
  storage::Connection connection = db().Acquire();
  return testing::CreateUser(connection, email, role, clock_.NowSeconds(), display_name);
}

Browser TestSite::SignedIn(const std::string& email) {
  Browser browser(app());
  browser.LogIn(email, kTestPassword);
  return browser;
}

int64_t TestSite::Count(const std::string& table, const std::string& where) {
  storage::Connection connection = db().Acquire();
  return connection
      .QueryOne("SELECT COUNT(*) FROM " + table + (where.empty() ? "" : " WHERE " + where))
      ->Int(0);
}

}  // namespace vivrovert::testing
