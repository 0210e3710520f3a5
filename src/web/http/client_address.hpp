// Who the client of a request is, behind the reverse proxies the deployment trusts.
//
// The server's peer is the proxy when there is one (nginx in front, docs/SECURITY.md), and
// every per-client limit would then count the whole site as one client. When the peer is a
// trusted proxy, the client is the rightmost X-Forwarded-For address that is not itself a
// trusted proxy: each proxy appends the address it received the request from, so the
// entries right of it are the trusted chain and everything left of it was written by the
// client and is never believed. When the peer is not trusted, X-Forwarded-For is ignored.
//
// Thread safety: TrustedProxies is an immutable value after Parse.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/common/network_address.hpp"
#include "core/common/status.hpp"

namespace vivrovert::web {

class TrustedProxies {
 public:
  TrustedProxies() = default;

  // Parses a comma- or space-separated list of addresses and CIDR ranges
  // ("127.0.0.1, 10.0.0.0/8, ::1, fd00::/8"); empty trusts nobody. Errors: InvalidArgument
  // naming the entry that is not an address or has a prefix beyond its family's bits.
  static Result<TrustedProxies> Parse(std::string_view list);

  // Whether `address` (IPv4, IPv6, IPv4-mapped IPv6) lies in one of the ranges.
  bool Contains(std::string_view address) const;
  bool empty() const { return ranges_.empty(); }

 private:
  struct Range {
    IpBytes network{};
    int prefix_bits = 0;  // over the 16 bytes (an IPv4 /24 is 96 + 24)
  };
  std::vector<Range> ranges_;
};

// The client address of a request whose TCP peer is `peer` and whose X-Forwarded-For
// headers, joined by commas in arrival order, are `forwarded_for` (empty when absent).
// Entries may carry IPv6 brackets; an entry that is not an address stops the walk at the
// last trusted hop.
std::string ResolveClientAddress(std::string_view peer, std::string_view forwarded_for,
                                 const TrustedProxies& proxies);

}  // namespace vivrovert::web
