// IP addresses as the rate limits see them.
//
// Thread safety: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vivrovert {

// An IPv4 or IPv6 address as 16 bytes, IPv4 mapped into ::ffff:0:0/96 so that both
// families compare and mask alike.
using IpBytes = std::array<uint8_t, 16>;

// Parses "192.0.2.7", "2001:db8::1", "::ffff:192.0.2.7" or "[2001:db8::1]". nullopt for
// anything else (host names, ports, garbage).
std::optional<IpBytes> ParseIpAddress(std::string_view text);

// Whether an IPv4 address (or an IPv4-mapped IPv6 one).
bool IsIpv4(const IpBytes& address);

// The network unit every per-client limit counts under: an IPv4 address as it is (mapped
// IPv6 forms folded into it), an IPv6 address as its /64 ("2001:db8:1:2::/64"), since one
// IPv6 subscriber usually holds a whole /64. Text that is not an address comes back
// unchanged.
std::string ClientNetwork(std::string_view ip);

}  // namespace vivrovert
