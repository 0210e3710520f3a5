// Unpacking of downloaded files for `vivrovert data update`: a .gz (zlib) or one member
// of a .zip (Poco::Zip). The output is written aside and renamed, so a failed unpacking
// leaves the previous file in force.
#pragma once

#include <string>

#include "core/common/status.hpp"

namespace vivrovert::data_update {

// Gunzips `source` into `target`. Errors: DataLoss (not gzip, truncated), Unavailable (I/O).
Status Gunzip(const std::string& source, const std::string& target);

// Extracts the first member of the zip `source` whose file name (without folders) matches
// the ECMAScript regex `member` into `target`. Errors: NotFound (no such member, the names
// listed), DataLoss (not a zip), Unavailable (I/O).
Status Unzip(const std::string& source, const std::string& member, const std::string& target);

}  // namespace vivrovert::data_update
