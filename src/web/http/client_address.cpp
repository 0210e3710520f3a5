#include "web/http/client_address.hpp"

#include <algorithm>
#include <charconv>

#include "core/common/text.hpp"

namespace vivrovert::web {

namespace {

bool InRange(const IpBytes& address, const IpBytes& network, int prefix_bits) {
  for (int bit = 0; bit < prefix_bits; bit += 8) {
    const int bits = std::min(8, prefix_bits - bit);
    const uint8_t mask = static_cast<uint8_t>(0xff << (8 - bits));
    if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) return false;
  }
  return true;
}

}  // namespace

Result<TrustedProxies> TrustedProxies::Parse(std::string_view list) {
  TrustedProxies proxies;
  for (const std::string& item : SplitList(list, ", \t")) {
    const std::string_view entry = item;
    std::string_view address_text = entry;
    std::optional<int> prefix;
    if (size_t slash = entry.find('/'); slash != std::string_view::npos) {
      address_text = entry.substr(0, slash);
      std::string_view digits = entry.substr(slash + 1);
      int value = -1;
      auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (error != std::errc() || end != digits.data() + digits.size() || value < 0) {
        return InvalidArgument(
            "http.trusted_proxies: « " + std::string(entry) + " » has no valid prefix length",
            "http.trusted_proxies");
      }
      prefix = value;
    }
    std::optional<IpBytes> address = ParseIpAddress(address_text);
    if (!address) {
      return InvalidArgument(
          "http.trusted_proxies: « " + std::string(entry) + " » is not an IP address or range",
          "http.trusted_proxies");
    }
    const bool v4 = IsIpv4(*address);
    const int family_bits = v4 ? 32 : 128;
    if (prefix && *prefix > family_bits) {
      return InvalidArgument("http.trusted_proxies: « " + std::string(entry) + " »: an " +
                                 (v4 ? "IPv4" : "IPv6") + " prefix is at most " +
                                 std::to_string(family_bits) + " bits",
                             "http.trusted_proxies");
    }
    proxies.ranges_.push_back({*address, (v4 ? 96 : 0) + prefix.value_or(family_bits)});
  }
  return proxies;
}

bool TrustedProxies::Contains(std::string_view address) const {
  std::optional<IpBytes> bytes = ParseIpAddress(address);
  if (!bytes) return false;
  for (const Range& range : ranges_) {
    if (InRange(*bytes, range.network, range.prefix_bits)) return true;
  }
  return false;
}

std::string ResolveClientAddress(std::string_view peer, std::string_view forwarded_for,
                                 const TrustedProxies& proxies) {
  if (!proxies.Contains(peer)) return std::string(peer);
  std::string client(peer);
  const std::vector<std::string> hops = SplitList(forwarded_for, ",");
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    if (!ParseIpAddress(*hop)) break;  // not an address: stop at the last trusted hop
    client = std::string(*hop);
    if (client.front() == '[') client = client.substr(1, client.size() - 2);
    if (!proxies.Contains(client)) break;
  }
  return client;
}

}  // namespace vivrovert::web
