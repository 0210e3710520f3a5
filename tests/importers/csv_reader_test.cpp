#include "data/csv/csv_reader.hpp"

#include <gtest/gtest.h>

namespace vivrovert::importers {
namespace {

std::vector<std::vector<std::string>> ReadAll(std::string_view text, const CsvOptions& options,
                                              Status* status) {
  std::vector<std::vector<std::string>> rows;
  *status = ReadCsvText(text, "test.csv", options, [&](const CsvRow& row) {
    std::vector<std::string> fields;
    for (size_t index = 0; index < row.size(); ++index) fields.push_back(row.field(index));
    rows.push_back(fields);
    return Status::Ok();
  });
  return rows;
}

TEST(CsvReaderTest, ReadsQuotedFieldsBomAndSemicolons) {
  CsvOptions options;
  options.delimiter = ';';
  options.required_columns = {"Nom", "Code"};
  Status status;
  auto rows =
      ReadAll("\xEF\xBB\xBFNom;Code\n\"Saint-Cirq; Lapopie\";46\n\"dit \"\"le beau\"\"\";19\n\n",
              options, &status);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], "Saint-Cirq; Lapopie");
  EXPECT_EQ(rows[1][0], "dit \"le beau\"");
}

TEST(CsvReaderTest, MissingColumnIsNamed) {
  CsvOptions options;
  options.required_columns = {"lat", "lon"};
  Status status;
  ReadAll("lat,lng\n1,2\n", options, &status);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.field(), "lon");
  EXPECT_NE(status.message().find("test.csv:1"), std::string::npos);
}

TEST(CsvReaderTest, BadNumberNamesFileRowAndColumn) {
  CsvOptions options;
  Status status = ReadCsvText("lat,lon\n44.1,1.4\n4x.5,1.4\n", "gares.csv", options,
                              [](const CsvRow& row) -> Status {
                                VV_ASSIGN_OR_RETURN(auto lat, row.GetNumber("lat"));
                                (void)lat;
                                return Status::Ok();
                              });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "gares.csv:3: column 'lat': not a number ('4x.5')");
}

TEST(CsvReaderTest, UnterminatedQuoteIsAnError) {
  Status status;
  ReadAll("a,b\n\"open,1\n", CsvOptions{}, &status);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("malformed CSV"), std::string::npos) << status.message();
}

TEST(CsvReaderTest, EmptyFileNeedsAHeader) {
  Status status;
  ReadAll("", CsvOptions{}, &status);
  EXPECT_FALSE(status.ok());
}

TEST(CsvReaderTest, NumbersAcceptDecimalCommaAndRefuseNaN) {
  EXPECT_DOUBLE_EQ(*ParseNumber("44,5"), 44.5);
  EXPECT_DOUBLE_EQ(*ParseNumber("-1.25e2"), -125);
  EXPECT_DOUBLE_EQ(*ParseNumber("+3"), 3);
  EXPECT_FALSE(ParseNumber("nan").has_value());
  EXPECT_FALSE(ParseNumber("inf").has_value());
  EXPECT_FALSE(ParseNumber("12 km").has_value());
  EXPECT_FALSE(ParseNumber("").has_value());
}

TEST(CsvReaderTest, LineNumbersCountBlankLinesAndBreaksInsideQuotes) {
  std::vector<std::pair<int64_t, int64_t>> rows;  // (row, line)
  std::vector<std::string> header;
  CsvOptions options;
  options.on_header = [&](const std::vector<std::string>& names) {
    header = names;
    return Status::Ok();
  };
  Status status = ReadCsvText("\r\n a ,b\r\n1,\"two\r\nlines\"\r\n\r\n\n2,x\n3,\"y\nz\"\n4,w",
                              "t.csv", options, [&](const CsvRow& row) {
                                rows.emplace_back(row.row_number(), row.line_number());
                                return Status::Ok();
                              });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(header, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(rows, (std::vector<std::pair<int64_t, int64_t>>{{2, 3}, {3, 7}, {4, 8}, {5, 10}}));
}

TEST(CsvReaderTest, HeaderCallbackCanStopTheReading) {
  CsvOptions options;
  options.on_header = [](const std::vector<std::string>& names) {
    return names.size() == 2 ? Status::Ok() : InvalidArgument("two columns expected");
  };
  Status status;
  auto rows = ReadAll("a,b,c\n1,2,3\n", options, &status);
  EXPECT_EQ(status.message(), "two columns expected");
  EXPECT_TRUE(rows.empty());
}

TEST(CsvReaderTest, MissingFileIsNotFound) {
  Status status =
      ReadCsv("/nonexistent/file.csv", CsvOptions{}, [](const CsvRow&) { return Status::Ok(); });
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace vivrovert::importers
