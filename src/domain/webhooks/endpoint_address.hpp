// Where a webhook may be sent (SSRF, docs/SECURITY.md): an https URL whose host resolves
// only to public addresses. Refused: loopback, "this network", private (10/8, 172.16/12,
// 192.168/16), CGNAT (100.64/10), link-local (169.254/16, fe80::/10), multicast, reserved
// and documentation ranges, benchmarking (198.18/15), IPv6 unique local (fc00::/7),
// site-local, the unspecified address, and IPv4 embedded in IPv6 (mapped, NAT64, 6to4)
// whose IPv4 part is refused. A host with one refused address is refused whole.
//
// The check runs when an endpoint is registered and again before each delivery, and the
// delivery connects to the very address checked (no second lookup a DNS rebinding could
// answer differently). `allow_private` (configuration `webhooks.allow_private_addresses`,
// default false) lifts the address rule and allows http: for the tests' local receivers.
//
// Thread safety: pure functions (CheckEndpoint asks the system's resolver).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"

namespace vivrovert::webhooks {

// Whether `address` (an IPv4 or IPv6 literal) is a public unicast address; false when it
// is not an address at all.
bool IsPublicAddress(std::string_view address);

// An endpoint URL taken apart and resolved.
struct EndpointTarget {
  std::string scheme;  // "https" ("http" only with allow_private)
  std::string host;
  uint16_t port = 443;
  std::string path_and_query;          // "/" at least
  std::vector<std::string> addresses;  // every address of the host, all allowed
};

// Checks `url` only (no lookup): the scheme, a host, no user information, no fragment,
// at most 2,000 characters. Errors: InvalidArgument naming the field "url".
Result<EndpointTarget> ParseEndpointUrl(std::string_view url, bool allow_private);

// ParseEndpointUrl, then the host's addresses (a literal address is its own), each checked.
// Errors: InvalidArgument (field "url") with the reason in French, Unavailable when the
// name does not resolve.
Result<EndpointTarget> CheckEndpoint(std::string_view url, bool allow_private);

}  // namespace vivrovert::webhooks
