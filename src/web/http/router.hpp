// Maps a method and a path to a route.
//
// Patterns are paths whose segments are literals or captures: "/annonces/{id}" captures
// one segment, and a last segment "{*rest}" captures the remainder of the path (possibly
// empty, slashes included). Literal segments win over captures, so "/annonces/nouvelle"
// and "/annonces/{id}" can coexist. A HEAD request is served by the GET route.
//
// Thread safety: add every route before the server starts; Find is then safe from any
// number of threads. Errors: Add throws std::invalid_argument on a malformed or duplicate
// pattern, a programming error found at start-up.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "web/http/http.hpp"

namespace vivrovert::web {

template <typename Route>
class Router {
 public:
  void Add(Method method, const std::string& pattern, Route route);

  struct Match {
    const Route* route = nullptr;  // null when nothing matched
    std::map<std::string, std::string> params;
    // When the path matched but not the method: the methods it accepts (for 405 Allow).
    std::vector<Method> allowed;
  };
  Match Find(Method method, const std::string& path) const;

 private:
  struct Node {
    std::map<std::string, std::unique_ptr<Node>> literals;
    std::unique_ptr<Node> capture;
    std::string capture_name;
    std::unique_ptr<Node> rest;
    std::string rest_name;
    std::map<Method, Route> routes;
  };

  bool Walk(const Node& node, const std::vector<std::string>& segments, size_t segment_idx,
            std::map<std::string, std::string>& params, const Node*& found) const;

  Node root_;
};

// Splits "/a/b/" into {"a", "b", ""}; "/" into {}.
std::vector<std::string> SplitPath(const std::string& path);

}  // namespace vivrovert::web

#include "web/http/router_impl.hpp"
