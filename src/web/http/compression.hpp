// gzip for text answers (pages, scripts, styles, JSON, SVG), when the client accepts it.
//
// The edge (nginx, docs/DEPLOY.md) compresses too, but a single node (`make run`,
// Lighthouse in bench/lighthouse) is then served as production is; nginx passes an answer
// that already has a Content-Encoding through untouched. Pages hold CSRF tokens beside
// reflected input, as they already do behind nginx's gzip: compressing here adds no
// exposure to compression-oracle attacks (BREACH) that the edge does not already have.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "web/http/http.hpp"

namespace vivrovert::web {

// Answers shorter than this are sent as they are: gzip would gain little or nothing.
inline constexpr size_t kMinCompressedBytes = 1024;

// Whether the request's Accept-Encoding accepts gzip ("gzip", "x-gzip" or "*", with a
// q-value other than 0).
bool AcceptsGzip(const Request& request);

// Whether answers of `content_type` are text worth compressing.
bool IsCompressible(std::string_view content_type);

// `bytes` in the gzip format (RFC 1952).
std::string Gzip(std::string_view bytes);

// Compresses `response`'s body in place when it is compressible text of at least
// kMinCompressedBytes, not already encoded, and `request` accepts gzip: sets
// Content-Encoding, makes a strong ETag weak (the bytes differ from the identity ones).
// Every compressible answer gets "Vary: Accept-Encoding", compressed or not.
void CompressResponse(const Request& request, Response& response);

}  // namespace vivrovert::web
