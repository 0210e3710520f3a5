// The parts of a ZIP archive by name (stored or deflated, zlib): enough to look inside the
// XLSX files the exports make. Test code only: no checks beyond what the tests need.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <map>
#include <string>

namespace vivrovert::testing {

inline std::map<std::string, std::string> UnzipParts(const std::string& zip) {
  auto u16 = [&](size_t at) {
    return static_cast<uint32_t>(static_cast<uint8_t>(zip[at]) | static_cast<uint8_t>(zip[at + 1])
                                                                     << 8);
  };
  auto u32 = [&](size_t at) { return u16(at) | u16(at + 2) << 16; };
  std::map<std::string, std::string> parts;
  const size_t end = zip.rfind(std::string("PK\x05\x06", 4));
  if (end == std::string::npos) return parts;
  size_t entry = u32(end + 16);
  for (uint32_t count = u16(end + 10); count > 0; --count) {
    if (zip.compare(entry, 4, std::string("PK\x01\x02", 4)) != 0) break;
    const uint32_t method = u16(entry + 10), compressed = u32(entry + 20), size = u32(entry + 24);
    const uint32_t name_length = u16(entry + 28), extra_length = u16(entry + 30),
                   comment_length = u16(entry + 32);
    const std::string name = zip.substr(entry + 46, name_length);
    const size_t local = u32(entry + 42);
    const size_t data = local + 30 + u16(local + 26) + u16(local + 28);
    std::string content(size, '\0');
    if (method == 0) {
      content = zip.substr(data, compressed);
    } else {
      z_stream stream{};
      inflateInit2(&stream, -MAX_WBITS);
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zip.data() + data));
      stream.avail_in = compressed;
      stream.next_out = reinterpret_cast<Bytef*>(content.data());
      stream.avail_out = size;
      inflate(&stream, Z_FINISH);
      inflateEnd(&stream);
    }
    parts[name] = content;
    entry += 46 + name_length + extra_length + comment_length;
  }
  return parts;
}

}  // namespace vivrovert::testing
