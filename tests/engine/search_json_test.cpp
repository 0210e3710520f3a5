// The hand-written search answer (SearchResultJsonText) against nlohmann::json::dump():
// the same bytes for strings that need escaping, numbers, and whole answers on random
// requests; and the pruned top-k against the plain ranking, bit for bit.
#include "engine/search_json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "engine/search_engine.hpp"
#include "search_test_grid.hpp"

namespace vivrovert::engine {
namespace {

using nlohmann::json;
using testing::RandomGrid;
using testing::TestGridFile;

std::string Written(std::string_view text) {
  std::string out = "prefix";
  EXPECT_TRUE(json_text::AppendString(out, text)) << text;
  return out.substr(6);
}

TEST(SearchJsonTextTest, StringsAreEscapedExactlyLikeDump) {
  std::vector<std::string> cases = {
      "",
      "Cahors",
      "Saint-Étienne-de-Tinée",
      "L'Haÿ-les-Roses",
      "say \"hi\"",
      "back\\slash\\",
      "\"\\\"",
      "tab\there\nnewline\rreturn\bback\fform",
      "delete \x7f kept",
      "日本語 and emoji 🚀 (four bytes) and € (three)",
      "U+FFFF \xEF\xBF\xBF and U+10FFFF \xF4\x8F\xBF\xBF",
  };
  std::string controls;
  for (int byte = 0; byte < 0x20; ++byte) controls.push_back(static_cast<char>(byte));
  cases.push_back(controls);
  cases.push_back(std::string("nul \0 inside", 12));
  for (const std::string& text : cases) EXPECT_EQ(Written(text), json(text).dump()) << text;
}

TEST(SearchJsonTextTest, InvalidUtf8IsRefusedLikeDump) {
  const std::vector<std::string> invalid = {
      "\xC3",              // truncated two-byte sequence
      "caf\xC3",           // truncated at the end
      "\xC3\x28",          // bad continuation
      "\xC0\xAF",          // overlong '/'
      "\xE0\x80\xAF",      // overlong three-byte
      "\xED\xA0\x80",      // UTF-16 surrogate
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xF5\x80\x80\x80",  // invalid lead byte
      "\x80",              // lone continuation
      "\xFF",
  };
  for (const std::string& text : invalid) {
    std::string out = "kept";
    EXPECT_FALSE(json_text::AppendString(out, text));
    EXPECT_EQ(out, "kept");
    EXPECT_THROW((void)json(text).dump(), json::type_error);
  }
}

TEST(SearchJsonTextTest, NumbersAreWrittenExactlyLikeDump) {
  std::vector<double> doubles = {0.0,     -0.0,  1.0,
                                 0.5,     0.1,   1.0 / 3,
                                 2.0 / 3, 1e-5,  1e-4,
                                 123.456, 1e15,  1e16,
                                 1e17,    1e21,  1.7976931348623157e308,
                                 5e-324,  -3.25, 0.9989082797771074};
  std::mt19937_64 random(11);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int index = 0; index < 2000; ++index) doubles.push_back(unit(random));
  for (int index = 0; index < 2000; ++index) {
    const uint64_t bits = random();
    double value;
    std::memcpy(&value, &bits, sizeof value);
    doubles.push_back(value);
  }
  for (double value : doubles) {
    std::string out;
    json_text::AppendDouble(out, value);
    EXPECT_EQ(out, json(value).dump()) << value;
  }
  for (double value :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()}) {
    std::string out;
    json_text::AppendDouble(out, value);
    EXPECT_EQ(out, "null");
    EXPECT_EQ(out, json(value).dump());
  }
  for (uint64_t value :
       {uint64_t{0}, uint64_t{7}, uint64_t{1234567890}, std::numeric_limits<uint64_t>::max()}) {
    std::string out;
    json_text::AppendUnsigned(out, value);
    EXPECT_EQ(out, json(value).dump());
  }
}

// RandomGrid with commune names that need every kind of escape.
GridData TrickyGrid(size_t tiles, uint32_t seed) {
  GridData data = RandomGrid(tiles, seed);
  const char* names[] = {"Saint-Étienne", "Quote \"Town\"", "Back\\slash", "Tab\tand\nline",
                         "Ctrl \x01\x1f", "Hà Nội 🚀",       "L'Haÿ",       "\x7f",
                         "日本",          "plain"};
  for (size_t index = 0; index < data.communes.size(); ++index) {
    data.communes[index].name = names[index % std::size(names)];
  }
  data.communes[3].departement = "2\"A";
  return data;
}

SearchRequest RandomRequest(std::mt19937& random) {
  SearchRequest request;
  std::uniform_real_distribution<double> unit(0, 1);
  const double scale[] = {40, 3000, 60, 10};
  const double offset[] = {0, 0, -20, 0};
  const int count = 1 + static_cast<int>(random() % 6);
  for (int index = 0; index < count; ++index) {
    Constraint c;
    c.criterion = random() % 4;
    const double a = offset[c.criterion] + unit(random) * scale[c.criterion];
    const double b = offset[c.criterion] + unit(random) * scale[c.criterion];
    switch (random() % 3) {
      case 0:
        c.min = std::min(a, b);
        c.max = std::max(a, b);
        break;
      case 1:
        c.max = a;
        break;
      default:
        c.min = a;
        break;
    }
    c.importance = random() % 2 == 0 ? Importance::kPreferred : Importance::kRequired;
    c.weight = 1 + static_cast<int>(random() % 5);
    request.constraints.push_back(c);
  }
  if (random() % 4 == 0) {
    request.has_territory = true;
    request.territory_communes = {static_cast<uint32_t>(random() % 6),
                                  static_cast<uint32_t>(6 + random() % 6)};
  }
  request.offset = random() % 3 == 0 ? random() % 40 : 0;
  request.limit = 1 + random() % 60;
  return request;
}

TEST(SearchJsonTextTest, AnswersAreTheBytesOfTheNlohmannTree) {
  TestGridFile file(TrickyGrid(6000, 3));
  SearchEngine engine(file.grid());
  std::mt19937 random(5);
  for (int round = 0; round < 200; ++round) {
    SearchRequest request = RandomRequest(random);
    request.level = Level::k1km;
    SearchResult result = engine.Search(request, /*with_relax=*/round % 5 != 0);
    const size_t max_communes = round % 7 == 0 ? 3 : kRankedCommunes;
    const std::string text = SearchResultJsonText(engine, request, result, max_communes);
    ASSERT_EQ(text, SearchResultToJson(engine, request, result, max_communes).dump())
        << "round " << round;
    ASSERT_TRUE(json::accept(text));
  }
}

// With k at least the green count the heap never fills and every green tile is scored
// plainly; with a smaller k the full heap prunes tiles and blocks. Both must give the
// same tiles with bit-identical scores.
TEST(SearchEngineTopTest, PrunedTopKIsTheTopOfThePlainRanking) {
  TestGridFile file(RandomGrid(20000, 17));
  SearchEngine engine(file.grid());
  std::mt19937 random(23);
  for (int round = 0; round < 60; ++round) {
    SearchRequest request = RandomRequest(random);
    request.level = Level::k1km;
    const std::vector<RankedTile> all = engine.TopTiles(request, 1'000'000);
    ASSERT_EQ(all.size(), engine.Count(request));
    for (size_t k : {size_t{1}, size_t{7}, size_t{50}, size_t{500}}) {
      const std::vector<RankedTile> top = engine.TopTiles(request, k);
      ASSERT_EQ(top.size(), std::min(k, all.size())) << "round " << round;
      for (size_t rank = 0; rank < top.size(); ++rank) {
        ASSERT_EQ(top[rank].tile, all[rank].tile)
            << "round " << round << " k " << k << " rank " << rank;
        ASSERT_EQ(top[rank].score, all[rank].score)
            << "round " << round << " k " << k << " rank " << rank;
      }
      request.limit = k;
      request.offset = 0;
      const SearchResult result = engine.Search(request, /*with_relax=*/false);
      ASSERT_EQ(result.tiles.size(), top.size());
      for (size_t rank = 0; rank < top.size(); ++rank) {
        ASSERT_EQ(result.tiles[rank].tile, top[rank].tile);
        ASSERT_EQ(result.tiles[rank].score, top[rank].score);
      }
    }
  }
}

}  // namespace
}  // namespace vivrovert::engine
