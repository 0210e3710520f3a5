#include "domain/webhooks/endpoint_address.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/URI.h>

#include <array>
#include <cstring>

namespace vivrovert::webhooks {

namespace {

constexpr size_t kMaxUrl = 2000;

bool V4InPrefix(const std::array<unsigned char, 4>& bytes, uint32_t network, int bits) {
  const uint32_t value = (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) |
                         (uint32_t{bytes[2]} << 8) | uint32_t{bytes[3]};
  const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (value & mask) == (network & mask);
}

bool PublicV4(const std::array<unsigned char, 4>& bytes) {
  struct Range {
    uint32_t network;
    int bits;
  };
  static constexpr Range kRefused[] = {
      {0x00000000, 8},   // "this network"
      {0x0A000000, 8},   // private
      {0x64400000, 10},  // CGNAT
      {0x7F000000, 8},   // loopback
      {0xA9FE0000, 16},  // link-local
      {0xAC100000, 12},  // private
      {0xC0000000, 24},  // IETF protocol assignments
      {0xC0000200, 24},  // documentation
      {0xC0586300, 24},  // 6to4 relay anycast
      {0xC0A80000, 16},  // private
      {0xC6120000, 15},  // benchmarking
      {0xC6336400, 24},  // documentation
      {0xCB007100, 24},  // documentation
      {0xE0000000, 4},   // multicast
      {0xF0000000, 4},   // reserved, broadcast
  };
  for (const Range& range : kRefused) {
    if (V4InPrefix(bytes, range.network, range.bits)) return false;
  }
  return true;
}

bool PublicV6(const std::array<unsigned char, 16>& bytes) {
  const auto starts = [&bytes](std::initializer_list<unsigned char> prefix) {
    size_t idx = 0;
    for (unsigned char byte : prefix) {
      if (bytes[idx++] != byte) return false;
    }
    return true;
  };
  const auto v4_at = [&bytes](size_t offset) {
    return std::array<unsigned char, 4>{bytes[offset], bytes[offset + 1], bytes[offset + 2],
                                        bytes[offset + 3]};
  };
  bool zero_first_ten = true;
  for (size_t idx = 0; idx < 10; ++idx) zero_first_ten = zero_first_ten && bytes[idx] == 0;
  if (zero_first_ten && bytes[10] == 0 && bytes[11] == 0) return false;  // ::, ::1, ::a.b.c.d
  if (zero_first_ten && bytes[10] == 0xff && bytes[11] == 0xff)
    return PublicV4(v4_at(12));                                      // ::ffff:a.b.c.d
  if (starts({0x00, 0x64, 0xff, 0x9b})) return PublicV4(v4_at(12));  // NAT64 64:ff9b::/96
  if (starts({0x20, 0x02})) return PublicV4(v4_at(2));               // 6to4
  if ((bytes[0] & 0xfe) == 0xfc) return false;                       // unique local fc00::/7
  if (bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80) return false;   // link-local fe80::/10
  if (bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0xc0) return false;   // site-local fec0::/10
  if (bytes[0] == 0xff) return false;                                // multicast
  if (starts({0x20, 0x01, 0x0d, 0xb8})) return false;                // documentation
  if (starts({0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00})) return false;  // discard 100::/64
  if (starts({0x20, 0x01, 0x00, 0x00})) return false;                          // Teredo 2001::/32
  // Only the global unicast block is routed on the Internet.
  return (bytes[0] & 0xe0) == 0x20;
}

bool IsPublic(const Poco::Net::IPAddress& address) {
  if (address.family() == Poco::Net::IPAddress::IPv4) {
    std::array<unsigned char, 4> bytes{};
    std::memcpy(bytes.data(), address.addr(), bytes.size());
    return PublicV4(bytes);
  }
  std::array<unsigned char, 16> bytes{};
  std::memcpy(bytes.data(), address.addr(), bytes.size());
  return PublicV6(bytes);
}

Status Refused(const std::string& message) { return InvalidArgument(message, "url"); }

}  // namespace

bool IsPublicAddress(std::string_view address) {
  Poco::Net::IPAddress parsed;
  if (!Poco::Net::IPAddress::tryParse(std::string(address), parsed)) return false;
  return IsPublic(parsed);
}

Result<EndpointTarget> ParseEndpointUrl(std::string_view url, bool allow_private) {
  if (url.empty()) return Refused("L'adresse du point d'accès est vide.");
  if (url.size() > kMaxUrl)
    return Refused("L'adresse du point d'accès dépasse " + std::to_string(kMaxUrl) +
                   " caractères.");
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return Refused("L'adresse du point d'accès contient un espace ou un caractère de contrôle.");
  }
  Poco::URI uri;
  try {
    uri = Poco::URI(std::string(url));
  } catch (const Poco::Exception&) {
    return Refused("L'adresse du point d'accès n'est pas une URL valide.");
  }
  EndpointTarget target;
  target.scheme = uri.getScheme();
  if (target.scheme != "https" && !(allow_private && target.scheme == "http"))
    return Refused("L'adresse du point d'accès doit commencer par https://.");
  if (uri.getHost().empty()) return Refused("L'adresse du point d'accès n'a pas de nom d'hôte.");
  if (!uri.getUserInfo().empty())
    return Refused("L'adresse du point d'accès ne doit pas contenir d'identifiants (user@).");
  if (!uri.getFragment().empty())
    return Refused("L'adresse du point d'accès ne doit pas contenir de fragment (#…).");
  target.host = uri.getHost();
  target.port = uri.getPort();
  target.path_and_query = uri.getPathAndQuery();
  if (target.path_and_query.empty()) target.path_and_query = "/";
  return target;
}

Result<EndpointTarget> CheckEndpoint(std::string_view url, bool allow_private) {
  VV_ASSIGN_OR_RETURN(EndpointTarget target, ParseEndpointUrl(url, allow_private));
  std::vector<Poco::Net::IPAddress> addresses;
  Poco::Net::IPAddress literal;
  if (Poco::Net::IPAddress::tryParse(target.host, literal)) {
    addresses.push_back(literal);
  } else {
    try {
      const Poco::Net::HostEntry entry = Poco::Net::DNS::hostByName(target.host);
      addresses = entry.addresses();
    } catch (const Poco::Exception&) {
      return Unavailable("Le nom « " + target.host + " » ne se résout en aucune adresse.");
    }
  }
  if (addresses.empty())
    return Unavailable("Le nom « " + target.host + " » ne se résout en aucune adresse.");
  for (const Poco::Net::IPAddress& address : addresses) {
    if (!allow_private && !IsPublic(address))
      return Refused("L'adresse du point d'accès mène à " + address.toString() +
                     ", une adresse privée, locale ou réservée : seules les adresses publiques "
                     "sont permises.");
    target.addresses.push_back(address.toString());
  }
  return target;
}

}  // namespace vivrovert::webhooks
