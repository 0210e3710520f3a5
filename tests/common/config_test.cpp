#include "core/config/config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/common/private_file.hpp"

namespace vivrovert {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("vivrovert-config-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override {
    for (const char* name : {"VIVROVERT_DATABASE_URL", "VIVROVERT_HTTP_PORT", "VIVROVERT_SMTP_TLS",
                             "VIVROVERT_DEMO_ENABLED"}) {
      ::unsetenv(name);
    }
    std::filesystem::remove_all(folder_);
  }
  std::string Write(const std::string& text) {
    std::filesystem::path path = folder_ / "vivrovert.ini";
    std::ofstream(path) << text;
    return path.string();
  }
  std::filesystem::path folder_;
};

TEST_F(ConfigTest, DefaultsServeLocalhostOnSqlite) {
  auto config = Config::Load("");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->database_url, "sqlite:var/vivrovert.db");
  EXPECT_EQ(config->listen_port, 8080);
  EXPECT_FALSE(config->data_dir.empty());
}

TEST_F(ConfigTest, FileValuesAreReadAndEnvironmentWins) {
  std::string path = Write("[database]\nurl = sqlite:/tmp/a.db\n[http]\nport = 9000\n");
  ::setenv("VIVROVERT_HTTP_PORT", "9100", 1);
  auto config = Config::Load(path);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->database_url, "sqlite:/tmp/a.db");
  EXPECT_EQ(config->listen_port, 9100);
}

TEST_F(ConfigTest, UnknownKeyIsRefusedWithItsName) {
  auto config = Config::Load(Write("[http]\nprot = 9000\n"));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().field(), "http.prot");
}

TEST_F(ConfigTest, BadNumberNamesTheKey) {
  ::setenv("VIVROVERT_HTTP_PORT", "huit-mille", 1);
  auto config = Config::Load("");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().field(), "http.port");
}

TEST_F(ConfigTest, MissingFileIsAnError) {
  EXPECT_FALSE(Config::Load((folder_ / "absent.ini").string()).ok());
}

TEST_F(ConfigTest, SecretKeyIsCreatedOnceAndReused) {
  Config config;
  config.var_dir = (folder_ / "var").string();
  auto first = config.SecretKey();
  auto second = config.SecretKey();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_GE(first->size(), 32u);
  EXPECT_EQ(*first, *second);
}

mode_t ModeOf(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::lstat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

// Restores the umask when the test ends.
class UmaskForTest {
 public:
  explicit UmaskForTest(mode_t mask) : previous_(::umask(mask)) {}
  ~UmaskForTest() { ::umask(previous_); }

 private:
  mode_t previous_;
};

TEST_F(ConfigTest, SecretKeyFileIsPrivateWhateverTheUmask) {
  UmaskForTest permissive(0);
  Config config;
  config.var_dir = (folder_ / "var").string();
  ASSERT_TRUE(config.SecretKey().ok());
  EXPECT_EQ(ModeOf(folder_ / "var" / "secret.key"), 0600u);
  // No temporary file is left behind.
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder_ / "var")) {
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST_F(ConfigTest, AShortSecretKeyFileIsRefusedNotReplaced) {
  std::filesystem::create_directories(folder_ / "var");
  std::ofstream(folder_ / "var" / "secret.key") << "court\n";
  Config config;
  config.var_dir = (folder_ / "var").string();
  EXPECT_FALSE(config.SecretKey().ok());
}

// Regression: the key was written to a file created with the umask's mode (0644 by
// default) and only then chmod-ed to 0600: readable by anyone in between.
TEST_F(ConfigTest, PrivateFilesAreCreatedWithMode0600AtOnce) {
  UmaskForTest permissive(0);
  const std::filesystem::path path = folder_ / "secret";
  ASSERT_TRUE(CreatePrivateFile(path.string(), "clé\n").ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  std::ifstream in(path);
  std::string content;
  std::getline(in, content);
  EXPECT_EQ(content, "clé");
  // Never written through an existing file or a planted symbolic link.
  EXPECT_EQ(CreatePrivateFile(path.string(), "autre").code(), StatusCode::kAlreadyExists);
  const std::filesystem::path target = folder_ / "target";
  std::ofstream(target) << "";
  std::filesystem::create_symlink(target, folder_ / "link");
  EXPECT_FALSE(CreatePrivateFile((folder_ / "link").string(), "clé").ok());
  EXPECT_EQ(std::filesystem::file_size(target), 0u);
}

TEST_F(ConfigTest, SmtpTlsDemoModeAndPublisherKeys) {
  auto defaults = Config::Load("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->smtp.tls, SmtpTls::kAuto);
  EXPECT_FALSE(defaults->demo_mode);
  EXPECT_TRUE(defaults->publisher.siret.empty());
  auto config =
      Config::Load(Write("[smtp]\ntls = none\n[demo]\nenabled = true\n"
                         "[publisher]\nname = Vivrovert SAS\nsiret = 123\n"));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->smtp.tls, SmtpTls::kNone);
  EXPECT_TRUE(config->demo_mode);
  EXPECT_EQ(config->publisher.name, "Vivrovert SAS");
  ::setenv("VIVROVERT_SMTP_TLS", "starttls", 1);
  EXPECT_EQ(Config::Load("")->smtp.tls, SmtpTls::kRequired);
  ::setenv("VIVROVERT_SMTP_TLS", "toujours", 1);
  EXPECT_EQ(Config::Load("").status().field(), "smtp.tls");
  ::unsetenv("VIVROVERT_SMTP_TLS");
  ::setenv("VIVROVERT_DEMO_ENABLED", "peut-etre", 1);
  EXPECT_EQ(Config::Load("").status().field(), "demo.enabled");
}

// The base map: off by default; a tile URL with its attribution gives the origin the pages'
// Content-Security-Policy admits ({s} hosts as a wildcard); each mistake names its key.
TEST_F(ConfigTest, BaseMapIsCheckedAndGivesItsOrigin) {
  auto defaults = Config::Load("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_TRUE(defaults->map.base_url.empty());
  EXPECT_EQ(BaseMapOrigin(defaults->map).value(), "");

  auto config =
      Config::Load(Write("[map]\nbase_url = https://{s}.tile.example.org/{z}/{x}/{y}.png\n"
                         "base_attribution = © OpenStreetMap\nbase_max_zoom = 18\n"));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->map.base_max_zoom, 18);
  EXPECT_EQ(BaseMapOrigin(config->map).value(), "https://*.tile.example.org");
  MapConfig local{"http://127.0.0.1:8081/tiles/{z}/{x}/{y}.png", "test", "abc", 0, 19};
  EXPECT_EQ(BaseMapOrigin(local).value(), "http://127.0.0.1:8081");

  auto field_of = [](MapConfig map) { return BaseMapOrigin(map).status().field(); };
  const MapConfig good{"https://tile.example.org/{z}/{x}/{y}.png", "© OSM", "abc", 0, 19};
  MapConfig bad = good;
  bad.base_url = "ftp://tile.example.org/{z}/{x}/{y}.png";
  EXPECT_EQ(field_of(bad), "map.base_url");
  bad.base_url = "https://tile.example.org/{z}/{x}.png";
  EXPECT_EQ(field_of(bad), "map.base_url");
  bad.base_url = "https://tile.{z}.example.org/{z}/{x}/{y}.png";
  EXPECT_EQ(field_of(bad), "map.base_url");
  bad = good;
  bad.base_attribution = "";
  EXPECT_EQ(field_of(bad), "map.base_attribution");
  bad.base_attribution = "<b>OSM</b>";
  EXPECT_EQ(field_of(bad), "map.base_attribution");
  bad = good;
  bad.base_min_zoom = 12;
  bad.base_max_zoom = 5;
  EXPECT_EQ(field_of(bad), "map.base_min_zoom");
  bad = good;
  bad.base_subdomains = "a,b";
  EXPECT_EQ(field_of(bad), "map.base_subdomains");
  // Config::Load refuses the same.
  EXPECT_EQ(Config::Load(Write("[map]\nbase_url = https://t.example.org/{z}/{x}/{y}.png\n"))
                .status()
                .field(),
            "map.base_attribution");
}

}  // namespace
}  // namespace vivrovert
