// `vivrovert data update`'s library against a local server (fixture_server.py, started on a
// free loopback port by each test; never the network) serving files the way publishers
// do: a redirect, a truncated download resumed, a 404, a changed file and an unchanged one,
// a data.gouv.fr dataset description, .gz and .zip files.
#include "data/update/data_update.hpp"

#include <Poco/Zip/Compress.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "data/update/http_fetch.hpp"
#include "data/update/unpack.hpp"

namespace vivrovert::data_update {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteAll(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

void WriteGzip(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  gzFile out = gzopen(path.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  gzclose(out);
}

void WriteZip(const fs::path& path, const std::string& member, const std::string& bytes) {
  const fs::path staging = path.parent_path() / ("staging-" + member);
  WriteAll(staging, bytes);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  Poco::Zip::Compress zip(out, true);
  zip.addFile(Poco::Path(staging.string()), Poco::Path("folder/" + member));
  zip.close();
  fs::remove(staging);
}

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xff);
  return bytes;
}

// The fixture server on ROOT, stopped with the test.
class FixtureServer {
 public:
  explicit FixtureServer(const fs::path& root) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(pipe_fds[1], STDOUT_FILENO);
      ::close(pipe_fds[0]);
      ::close(pipe_fds[1]);
      const std::string script = std::string(VIVROVERT_TEST_DIR) + "/fixture_server.py";
      ::execlp("python3", "python3", script.c_str(), root.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(pipe_fds[1]);
    std::string line;
    char c = 0;
    while (::read(pipe_fds[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(pipe_fds[0]);
    if (line.empty()) throw std::runtime_error("the fixture server did not start");
    base_ = "http://127.0.0.1:" + line;
  }
  ~FixtureServer() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  const std::string& base() const { return base_; }

 private:
  pid_t pid_ = -1;
  std::string base_;
};

class DataUpdateTest : public ::testing::Test {
 protected:
  DataUpdateTest()
      : root_(fs::temp_directory_path() /
              ("vivrovert-data-update-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(root_);
    fs::create_directories(root_ / "files");
    fs::create_directories(root_ / "out");
    server_ = std::make_unique<FixtureServer>(root_);
  }
  ~DataUpdateTest() override {
    server_.reset();
    fs::remove_all(root_);
  }

  std::string Url(const std::string& path) const { return server_->base() + path; }
  std::string Requests() const { return ReadAll(root_ / "requests.log"); }

  FetchOptions Options() {
    FetchOptions options;
    options.timeout_seconds = 20;
    options.progress = [this](const std::string& text, bool done) {
      if (done) lines_.push_back(text);
    };
    return options;
  }

  fs::path root_;
  std::unique_ptr<FixtureServer> server_;
  std::vector<std::string> lines_;
};

TEST_F(DataUpdateTest, RedirectsAreFollowed) {
  WriteAll(root_ / "files" / "a.csv", "code;value\n46042;12\n");
  const Fetcher fetcher(Options());
  const fs::path target = root_ / "out" / "a.csv";
  auto result = fetcher.Fetch(Url("/redirect/a.csv"), target.string(), {}, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
  EXPECT_EQ(ReadAll(target), "code;value\n46042;12\n");
  EXPECT_FALSE(fs::exists(target.string() + ".part"));
  const std::string requests = Requests();
  EXPECT_NE(requests.find("GET /redirect/a.csv"), std::string::npos) << requests;
  EXPECT_NE(requests.find("GET /moved/a.csv"), std::string::npos) << requests;
  EXPECT_NE(requests.find("GET /files/a.csv"), std::string::npos) << requests;
  // One progress line for the file: its size, rate and duration.
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].rfind("a.csv: 20 B of 20 B, ", 0), 0u) << lines_[0];
}

TEST_F(DataUpdateTest, ATruncatedDownloadIsResumedWhereItStopped) {
  const std::string bytes = RandomBytes(300'000, 7);
  WriteAll(root_ / "files" / "big.bin", bytes);
  const Fetcher fetcher(Options());
  const fs::path target = root_ / "out" / "big.bin";
  auto result = fetcher.Fetch(Url("/truncate-once/big.bin"), target.string(), {}, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->attempts, 2);
  EXPECT_EQ(result->resumed_from, 150'000u);
  EXPECT_TRUE(ReadAll(target) == bytes);
  EXPECT_NE(Requests().find("GET /truncate-once/big.bin bytes=150000-"), std::string::npos)
      << Requests();
  ASSERT_FALSE(lines_.empty());
  EXPECT_NE(lines_.back().find("(resumed at 150.0 kB)"), std::string::npos) << lines_.back();
}

// A part left by an earlier run is continued only if it is of the same version: one of a
// version changed since (its validator differs) or without a validator is started again.
TEST_F(DataUpdateTest, APartOfAnotherVersionIsNotContinued) {
  const std::string bytes = RandomBytes(50'000, 3);
  WriteAll(root_ / "files" / "v.bin", bytes);
  const Fetcher fetcher(Options());
  const fs::path target = root_ / "out" / "v.bin";
  WriteAll(target.string() + ".part", std::string(1000, 'x'));
  WriteAll(target.string() + ".part.validator", "\"an-older-version\"\n");
  auto stale = fetcher.Fetch(Url("/files/v.bin"), target.string(), {}, {});
  ASSERT_TRUE(stale.ok()) << stale.status().ToString();
  EXPECT_EQ(stale->resumed_from, 0u);
  EXPECT_TRUE(ReadAll(target) == bytes);
  EXPECT_NE(Requests().find("GET /files/v.bin bytes=1000-"), std::string::npos) << Requests();

  fs::remove(target);
  WriteAll(target.string() + ".part", std::string(1000, 'x'));
  auto anonymous = fetcher.Fetch(Url("/files/v.bin"), target.string(), {}, {});
  ASSERT_TRUE(anonymous.ok()) << anonymous.status().ToString();
  EXPECT_EQ(anonymous->resumed_from, 0u);
  EXPECT_TRUE(ReadAll(target) == bytes);
}

TEST_F(DataUpdateTest, A404SaysSoAndLeavesThePreviousFile) {
  const fs::path target = root_ / "out" / "gone.csv";
  WriteAll(target, "previous");
  const Fetcher fetcher(Options());
  auto result = fetcher.Fetch(Url("/files/gone.csv"), target.string(), {}, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_NE(result.status().message().find("HTTP 404"), std::string::npos);
  EXPECT_NE(result.status().message().find(Url("/files/gone.csv")), std::string::npos);
  EXPECT_EQ(ReadAll(target), "previous");
}

TEST_F(DataUpdateTest, AnUnchangedFileIsNotFetchedAgainAndAChangedOneIs) {
  WriteAll(root_ / "files" / "c.csv", "first version\n");
  const Fetcher fetcher(Options());
  const fs::path target = root_ / "out" / "c.csv";
  auto first = fetcher.Fetch(Url("/files/c.csv"), target.string(), {}, {});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->changed);
  EXPECT_FALSE(first->state.etag.empty());

  auto again = fetcher.Fetch(Url("/files/c.csv"), target.string(), first->state, {});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(again->attempts, 0);  // the server answered 304: no byte of the file
  EXPECT_EQ(again->state.sha256, first->state.sha256);

  WriteAll(root_ / "files" / "c.csv", "second version, longer\n");
  auto changed = fetcher.Fetch(Url("/files/c.csv"), target.string(), again->state, {});
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_TRUE(changed->changed);
  EXPECT_EQ(ReadAll(target), "second version, longer\n");
  EXPECT_NE(changed->state.sha256, first->state.sha256);
}

TEST_F(DataUpdateTest, AnnouncedSizeAndChecksumAreChecked) {
  WriteAll(root_ / "files" / "d.csv", "payload\n");
  const Fetcher fetcher(Options());
  const fs::path target = root_ / "out" / "d.csv";
  WriteAll(target, "previous");
  Expected wrong_sum{0, "sha256", std::string(64, '0')};
  auto refused = fetcher.Fetch(Url("/files/d.csv"), target.string(), {}, wrong_sum);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(refused.status().message().find("differs from the published"), std::string::npos);
  EXPECT_EQ(ReadAll(target), "previous");
  EXPECT_FALSE(fs::exists(target.string() + ".part"));

  Expected wrong_size{3, "", ""};
  EXPECT_EQ(fetcher.Fetch(Url("/files/d.csv"), target.string(), {}, wrong_size).status().code(),
            StatusCode::kDataLoss);

  const std::string md5 = FileDigest((root_ / "files" / "d.csv").string(), "md5");
  ASSERT_EQ(md5.size(), 32u);
  Expected right{8, "md5", md5};
  auto kept = fetcher.Fetch(Url("/files/d.csv"), target.string(), {}, right);
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(ReadAll(target), "payload\n");
}

TEST_F(DataUpdateTest, GzipAndZipAreUnpacked) {
  WriteGzip(root_ / "g.csv.gz", "gzipped;1\n");
  ASSERT_TRUE(Gunzip((root_ / "g.csv.gz").string(), (root_ / "g.csv").string()).ok());
  EXPECT_EQ(ReadAll(root_ / "g.csv"), "gzipped;1\n");
  WriteAll(root_ / "plain.gz", "not gzip at all");
  EXPECT_EQ(Gunzip((root_ / "plain.gz").string(), (root_ / "plain").string()).code(),
            StatusCode::kDataLoss);
  EXPECT_FALSE(fs::exists(root_ / "plain"));

  WriteZip(root_ / "z.zip", "inside.csv", "zipped;2\n");
  ASSERT_TRUE(Unzip((root_ / "z.zip").string(), "inside\\.csv", (root_ / "z.csv").string()).ok());
  EXPECT_EQ(ReadAll(root_ / "z.csv"), "zipped;2\n");
  Status missing = Unzip((root_ / "z.zip").string(), "other\\.csv", (root_ / "o.csv").string());
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_NE(missing.message().find("inside.csv"), std::string::npos) << missing.message();
}

// The whole update: a data.gouv.fr dataset resolved to its latest resource (checksum
// checked), a zip behind a redirect, yearly per-département files of which one year is not
// published, and a source whose address answers 404. The failing source is said and not
// imported; a second run imports nothing; a changed file imports its source alone.
TEST_F(DataUpdateTest, SourcesAreImportedWhenChangedAndAFailureLeavesTheRestInForce) {
  WriteGzip(root_ / "files" / "MENSQ_46_new.csv.gz", "NUM_POSTE;AAAAMM\n46001;202401\n");
  WriteGzip(root_ / "files" / "MENSQ_46_old.csv.gz", "old\n");
  const std::string sha = FileDigest((root_ / "files" / "MENSQ_46_new.csv.gz").string(), "sha256");
  nlohmann::json dataset = {{"resources",
                             {{{"title", "MENSQ_46_previous-1950-2023.csv.gz"},
                               {"url", "{base}/files/MENSQ_46_old.csv.gz"},
                               {"format", "csv.gz"},
                               {"last_modified", "2024-01-10T00:00:00"}},
                              {{"title", "MENSQ_46_previous-1950-2024.csv.gz"},
                               {"url", "{base}/files/MENSQ_46_new.csv.gz"},
                               {"format", "csv.gz"},
                               {"filesize", fs::file_size(root_ / "files" / "MENSQ_46_new.csv.gz")},
                               {"checksum", {{"type", "sha256"}, {"value", sha}}},
                               {"last_modified", "2025-01-10T00:00:00"}},
                              {{"title", "MENSQ_19_previous-1950-2024.csv.gz"},
                               {"url", "{base}/files/absent.csv.gz"},
                               {"format", "csv.gz"},
                               {"last_modified", "2025-01-10T00:00:00"}}}}};
  WriteAll(root_ / "datasets" / "climat.json", dataset.dump());
  WriteZip(root_ / "files" / "comparateur.zip", "base_cc_comparateur.csv", "CODGEO;MED21\n");
  WriteAll(root_ / "files" / "dvf-2023-46.csv", "id_mutation\n2023-1\n");

  nlohmann::json file = {
      {"datagouv_api", Url("/api/1/")},
      {"sources",
       {{{"id", "climate"},
         {"files",
          {{{"datagouv_dataset", "climat"},
            {"resource_title", "MENSQ_{departement}_previous-1950-.*"},
            {"name", "MENSQ_{departement}.csv.gz"},
            {"unpack", "gz"}}}}},
        {{"id", "insee"},
         {"files",
          {{{"url", Url("/redirect/comparateur.zip")},
            {"unpack", "zip"},
            {"member", "base_cc_comparateur\\.csv"}}}}},
        {{"id", "dvf"},
         {"files",
          {{{"url", Url("/files/dvf-{year}-{departement}.csv")},
            {"years", {2022, 2023}},
            {"optional", true}}}}},
        {{"id", "broken"}, {"import", "bpe"}, {"files", {{{"url", Url("/files/nowhere.csv")}}}}},
        {{"id", "arcep"}, {"note", "no address"}, {"files", nlohmann::json::array()}}}}};
  WriteAll(root_ / "sources.json", file.dump());
  auto sources = LoadSourcesFile((root_ / "sources.json").string());
  ASSERT_TRUE(sources.ok()) << sources.status().ToString();

  UpdateOptions options;
  options.departements = {"46"};
  options.national = false;
  options.download_dir = (root_ / "downloads").string();
  std::vector<std::pair<std::string, std::vector<std::string>>> imports;
  ImportFn import_files = [&](const SourceSpec& source, const std::vector<std::string>& files) {
    imports.emplace_back(source.id, files);
    return Status::Ok();
  };
  std::ostringstream log;
  auto outcomes = UpdateSources(*sources, options, Options(), import_files, log);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  ASSERT_EQ(outcomes->size(), 5u) << log.str();
  EXPECT_EQ((*outcomes)[0].outcome, Outcome::kImported) << (*outcomes)[0].message;
  EXPECT_EQ((*outcomes)[1].outcome, Outcome::kImported) << (*outcomes)[1].message;
  EXPECT_EQ((*outcomes)[2].outcome, Outcome::kImported) << (*outcomes)[2].message;
  EXPECT_EQ((*outcomes)[3].outcome, Outcome::kFailed);
  EXPECT_NE((*outcomes)[3].message.find("HTTP 404"), std::string::npos) << (*outcomes)[3].message;
  EXPECT_NE((*outcomes)[3].message.find("stay in force"), std::string::npos);
  EXPECT_EQ((*outcomes)[4].outcome, Outcome::kNoAddress);
  ASSERT_EQ(imports.size(), 3u);
  // The latest resource of the dataset, unpacked; the zip's member; the published year only.
  ASSERT_EQ(imports[0].second.size(), 1u);
  EXPECT_EQ(ReadAll(imports[0].second[0]), "NUM_POSTE;AAAAMM\n46001;202401\n");
  ASSERT_EQ(imports[1].second.size(), 1u);
  EXPECT_EQ(ReadAll(imports[1].second[0]), "CODGEO;MED21\n");
  ASSERT_EQ(imports[2].second.size(), 1u);
  EXPECT_EQ(ReadAll(imports[2].second[0]), "id_mutation\n2023-1\n");
  EXPECT_NE(log.str().find("dvf-2022-46.csv: not published"), std::string::npos) << log.str();

  // Nothing changed: nothing imported, the broken source still said.
  imports.clear();
  auto second = UpdateSources(*sources, options, Options(), import_files, log);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(imports.empty());
  EXPECT_EQ((*second)[0].outcome, Outcome::kUnchanged);
  EXPECT_EQ((*second)[1].outcome, Outcome::kUnchanged);
  EXPECT_EQ((*second)[2].outcome, Outcome::kUnchanged);
  EXPECT_EQ((*second)[3].outcome, Outcome::kFailed);

  // The comparateur changes: its source alone is imported again.
  WriteZip(root_ / "files" / "comparateur.zip", "base_cc_comparateur.csv", "CODGEO;MED22\n");
  auto third = UpdateSources(*sources, options, Options(), import_files, log);
  ASSERT_TRUE(third.ok());
  ASSERT_EQ(imports.size(), 1u);
  EXPECT_EQ(imports[0].first, "insee");
  EXPECT_EQ(ReadAll(imports[0].second[0]), "CODGEO;MED22\n");

  // A failed import is tried again on the next run, whatever the files.
  imports.clear();
  ImportFn failing = [&](const SourceSpec& source, const std::vector<std::string>& files) {
    imports.emplace_back(source.id, files);
    return InvalidArgument("bad row");
  };
  WriteAll(root_ / "files" / "dvf-2023-46.csv", "id_mutation\n2023-2\n");
  auto refused = UpdateSources(*sources, options, Options(), failing, log);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ((*refused)[2].outcome, Outcome::kFailed);
  EXPECT_NE((*refused)[2].message.find("import failed: bad row"), std::string::npos);
  imports.clear();
  auto retried = UpdateSources(*sources, options, Options(), import_files, log);
  ASSERT_TRUE(retried.ok());
  ASSERT_EQ(imports.size(), 1u);
  EXPECT_EQ(imports[0].first, "dvf");
}

TEST_F(DataUpdateTest, ABadSourcesFileOrUnknownSourceIsNamed) {
  WriteAll(root_ / "bad.json", R"({"sources": [{"id": "x", "files": [{"name": "f"}]}]})");
  auto bad = LoadSourcesFile((root_ / "bad.json").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("source 'x'"), std::string::npos);
  EXPECT_NE(bad.status().message().find("url or datagouv_dataset"), std::string::npos);

  WriteAll(root_ / "good.json", R"({"sources": [{"id": "insee", "files": []}]})");
  auto good = LoadSourcesFile((root_ / "good.json").string());
  ASSERT_TRUE(good.ok());
  UpdateOptions options;
  options.sources = {"nope"};
  options.download_dir = (root_ / "downloads").string();
  std::ostringstream log;
  auto refused = UpdateSources(
      *good, options, Options(),
      [](const SourceSpec&, const std::vector<std::string>&) { return Status::Ok(); }, log);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().field(), "sources");
  EXPECT_NE(refused.status().message().find("insee"), std::string::npos);
}

// The default sources file of config/ loads, and names every importer's source.
TEST(DataSourcesFileTest, TheShippedFileLoads) {
  auto sources = LoadSourcesFile(std::string(VIVROVERT_SOURCE_ROOT) + "/config/data-sources.json");
  ASSERT_TRUE(sources.ok()) << sources.status().ToString();
  std::set<std::string> imports;
  for (const SourceSpec& source : sources->sources) {
    imports.insert(source.import);
    if (source.files.empty()) {
      EXPECT_FALSE(source.note.empty()) << source.id;
    }
  }
  EXPECT_EQ(imports, (std::set<std::string>{"bpe", "education", "altitude", "dvf", "insee", "arcep",
                                            "climate", "osm"}));
}

}  // namespace
}  // namespace vivrovert::data_update
