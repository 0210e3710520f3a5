#include "core/common/network_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace vivrovert {

std::optional<IpBytes> ParseIpAddress(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string zero_terminated(text);
  IpBytes bytes{};
  if (inet_pton(AF_INET6, zero_terminated.c_str(), bytes.data()) == 1) return bytes;
  in_addr v4{};
  if (inet_pton(AF_INET, zero_terminated.c_str(), &v4) != 1) return std::nullopt;
  bytes.fill(0);
  bytes[10] = bytes[11] = 0xff;
  std::memcpy(bytes.data() + 12, &v4, 4);
  return bytes;
}

bool IsIpv4(const IpBytes& address) {
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(address.data(), kMappedPrefix, sizeof kMappedPrefix) == 0;
}

std::string ClientNetwork(std::string_view ip) {
  std::optional<IpBytes> address = ParseIpAddress(ip);
  if (!address) return std::string(ip);
  char out[INET6_ADDRSTRLEN];
  if (IsIpv4(*address)) {
    if (inet_ntop(AF_INET, address->data() + 12, out, sizeof out) == nullptr)
      return std::string(ip);
    return out;
  }
  std::memset(address->data() + 8, 0, 8);
  if (inet_ntop(AF_INET6, address->data(), out, sizeof out) == nullptr) return std::string(ip);
  return std::string(out) + "/64";
}

}  // namespace vivrovert
