#include "core/common/text.hpp"

#include <Poco/TextConverter.h>
#include <Poco/UTF8Encoding.h>
#include <Poco/Windows1252Encoding.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace vivrovert {

bool IsValidUtf8(std::string_view text) {
  Poco::UTF8Encoding utf8;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = 0;
  while (i < text.size()) {
    // queryConvert returns the code point, or -n when n bytes are needed, or -1 when the
    // sequence is malformed.
    int needed = utf8.sequenceLength(bytes + i, static_cast<int>(text.size() - i));
    if (needed <= 0 || i + static_cast<size_t>(needed) > text.size()) return false;
    const int code_point = utf8.queryConvert(bytes + i, needed);
    if (code_point < 0 || (code_point >= 0xD800 && code_point <= 0xDFFF) || code_point > 0x10FFFF)
      return false;
    if (!Poco::UTF8Encoding::isLegal(bytes + i, needed)) return false;
    i += static_cast<size_t>(needed);
  }
  return true;
}

std::string Windows1252ToUtf8(std::string_view text) {
  Poco::Windows1252Encoding from;
  Poco::UTF8Encoding to;
  Poco::TextConverter converter(from, to);
  std::string out;
  converter.convert(text.data(), static_cast<int>(text.size()), out);
  return out;
}

std::string_view TrimView(std::string_view text) {
  constexpr std::string_view kSpaces = " \t\r\n\f\v";
  const size_t first = text.find_first_not_of(kSpaces);
  if (first == std::string_view::npos) return {};
  const size_t last = text.find_last_not_of(kSpaces);
  return text.substr(first, last - first + 1);
}

std::string Trim(std::string_view text) { return std::string(TrimView(text)); }

std::vector<std::string> SplitList(std::string_view text, std::string_view separators) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(separators, start);
    if (end == std::string_view::npos) end = text.size();
    if (std::string_view item = TrimView(text.substr(start, end - start)); !item.empty()) {
      items.emplace_back(item);
    }
    start = end + 1;
  }
  return items;
}

std::optional<int64_t> ParsePositiveId(std::string_view text) {
  int64_t id = 0;
  if (text.empty() || text.front() == '+' || text.front() == '-') return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace vivrovert

namespace vivrovert {

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(sizeof(digest) * 2);
  for (unsigned char byte : digest) {
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
  }
  return out;
}

std::string UtcDate(int64_t epoch_seconds) {
  const std::chrono::sys_days day = std::chrono::floor<std::chrono::days>(
      std::chrono::sys_seconds(std::chrono::seconds(epoch_seconds)));
  const std::chrono::year_month_day date(day);
  char out[16];
  std::snprintf(out, sizeof(out), "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return out;
}

std::string EscapeXml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string FrenchDate(int64_t epoch_seconds) { return FrenchDay(UtcDate(epoch_seconds)); }

std::string FrenchDay(std::string_view iso_date) {
  if (iso_date.size() != 10 || iso_date[4] != '-' || iso_date[7] != '-')
    return std::string(iso_date);
  return std::string(iso_date.substr(8, 2)) + "/" + std::string(iso_date.substr(5, 2)) + "/" +
         std::string(iso_date.substr(0, 4));
}

std::optional<int64_t> ParseUtcDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int numbers[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int part = 0; part < 3; ++part) {
    for (size_t offset = 0; offset < lengths[part]; ++offset) {
      const char digit = text[starts[part] + offset];
      if (digit < '0' || digit > '9') return std::nullopt;
      numbers[part] = numbers[part] * 10 + (digit - '0');
    }
  }
  const std::chrono::year_month_day date{
      std::chrono::year(numbers[0]), std::chrono::month(numbers[1]), std::chrono::day(numbers[2])};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_seconds(std::chrono::sys_days(date)).time_since_epoch().count();
}

std::optional<std::string> ParseTypedDay(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0)
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0)
    text.remove_suffix(1);
  // The numbers of `text` split at `separator`: three runs of 1–4 digits, or nothing.
  auto parts = [&text](char separator) -> std::optional<std::array<std::string_view, 3>> {
    std::array<std::string_view, 3> found;
    std::string_view rest = text;
    for (size_t index = 0; index < found.size(); ++index) {
      const size_t end = index + 1 < found.size() ? rest.find(separator) : rest.size();
      if (end == std::string_view::npos || end == 0 || end > 4) return std::nullopt;
      found[index] = rest.substr(0, end);
      for (char digit : found[index]) {
        if (digit < '0' || digit > '9') return std::nullopt;
      }
      rest = rest.substr(std::min(end + 1, rest.size()));
    }
    return found;
  };
  auto number = [](std::string_view digits) {
    int value = 0;
    for (char digit : digits) value = value * 10 + (digit - '0');
    return value;
  };
  int year = 0, month = 0, day = 0;
  if (auto french = parts('/');
      french && (*french)[0].size() <= 2 && (*french)[1].size() <= 2 && (*french)[2].size() == 4) {
    day = number((*french)[0]);
    month = number((*french)[1]);
    year = number((*french)[2]);
  } else if (auto iso = parts('-');
             iso && (*iso)[0].size() == 4 && (*iso)[1].size() == 2 && (*iso)[2].size() == 2) {
    year = number((*iso)[0]);
    month = number((*iso)[1]);
    day = number((*iso)[2]);
  } else {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || year < 1900 || year > 2200) return std::nullopt;
  char out[32];  // room for any values, which the compiler cannot rule out
  std::snprintf(out, sizeof out, "%04d-%02d-%02d", year, month, day);
  return std::string(out);
}

std::string IsoWeekKey(std::string_view iso_date) {
  const std::optional<int64_t> start = ParseUtcDate(iso_date);
  if (!start) return {};
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_seconds(seconds(*start)));
  const unsigned iso_day = weekday(day).iso_encoding();  // Monday 1 … Sunday 7
  const sys_days thursday = day + days(4 - static_cast<int>(iso_day));
  const year week_year = year_month_day(thursday).year();
  const sys_days first_day = sys_days(week_year / January / 1);
  const int week = static_cast<int>((thursday - first_day).count() / 7) + 1;
  char text[32];  // room for any int, which the compiler cannot rule out
  std::snprintf(text, sizeof text, "%04d-W%02d", static_cast<int>(week_year), week);
  return text;
}

}  // namespace vivrovert
