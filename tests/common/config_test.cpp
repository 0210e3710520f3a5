#include "config/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

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
    for (const char* name : {"VIVROVERT_DATABASE_URL", "VIVROVERT_HTTP_PORT"}) ::unsetenv(name);
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

}  // namespace
}  // namespace vivrovert
