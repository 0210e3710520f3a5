// A text file compiled into the binary (see cmake/EmbedFiles.cmake), so that the
// binary needs no install step for data it cannot work without (SQL migrations).
#pragma once

#include <string_view>
#include <vector>

namespace vivrovert {

struct EmbeddedFile {
  std::string_view name;
  std::string_view text;
};

}  // namespace vivrovert
