// Fuzz target: the CSV reader and number parsing of the open-data importers must turn
// any bytes into rows or a clear error, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "data/csv/csv_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vivrovert;
  using namespace vivrovert::importers;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (char delimiter : {',', ';'}) {
    CsvOptions options;
    options.delimiter = delimiter;
    options.required_columns = {"a"};
    Status status = ReadCsvText(text, "fuzz.csv", options, [](const CsvRow& row) -> Status {
      for (size_t index = 0; index < row.size(); ++index) (void)ParseNumber(row.field(index));
      auto value = row.GetNumber("a");
      return value.ok() ? Status::Ok() : value.status();
    });
    (void)status;
  }
  return 0;
}
