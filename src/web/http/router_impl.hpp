// Template definitions of web/http/router.hpp; include that header, not this one.
#pragma once

#include <stdexcept>

namespace vivrovert::web {

template <typename Route>
void Router<Route>::Add(Method method, const std::string& pattern, Route route) {
  if (!pattern.starts_with('/'))
    throw std::invalid_argument("route pattern must start with /: " + pattern);
  std::vector<std::string> segments = SplitPath(pattern);
  Node* node = &root_;
  for (size_t segment_idx = 0; segment_idx < segments.size(); ++segment_idx) {
    const std::string& segment = segments[segment_idx];
    bool is_capture = segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
    if (!is_capture) {
      if (segment.find_first_of("{}") != std::string::npos) {
        throw std::invalid_argument("malformed route segment '" + segment + "' in " + pattern);
      }
      auto& child = node->literals[segment];
      if (!child) child = std::make_unique<Node>();
      node = child.get();
      continue;
    }
    std::string name = segment.substr(1, segment.size() - 2);
    if (name.starts_with('*')) {
      if (segment_idx + 1 != segments.size()) {
        throw std::invalid_argument("{*" + name.substr(1) + "} must end the pattern " + pattern);
      }
      name = name.substr(1);
      if (node->rest && node->rest_name != name)
        throw std::invalid_argument("conflicting capture in " + pattern);
      if (!node->rest) node->rest = std::make_unique<Node>();
      node->rest_name = name;
      node = node->rest.get();
      continue;
    }
    if (node->capture && node->capture_name != name) {
      throw std::invalid_argument("capture {" + name + "} conflicts with {" + node->capture_name +
                                  "} in " + pattern);
    }
    if (!node->capture) node->capture = std::make_unique<Node>();
    node->capture_name = name;
    node = node->capture.get();
  }
  if (!node->routes.emplace(method, std::move(route)).second) {
    throw std::invalid_argument(std::string("duplicate route ") + MethodName(method) + " " +
                                pattern);
  }
}

template <typename Route>
bool Router<Route>::Walk(const Node& node, const std::vector<std::string>& segments,
                         size_t segment_idx, std::map<std::string, std::string>& params,
                         const Node*& found) const {
  if (segment_idx == segments.size()) {
    if (!node.routes.empty()) {
      found = &node;
      return true;
    }
    if (node.rest && !node.rest->routes.empty()) {
      params[node.rest_name] = "";
      found = node.rest.get();
      return true;
    }
    return false;
  }
  const std::string& segment = segments[segment_idx];
  if (auto literal = node.literals.find(segment); literal != node.literals.end()) {
    if (Walk(*literal->second, segments, segment_idx + 1, params, found)) return true;
  }
  if (node.capture && !segment.empty()) {
    params[node.capture_name] = segment;
    if (Walk(*node.capture, segments, segment_idx + 1, params, found)) return true;
    params.erase(node.capture_name);
  }
  if (node.rest && !node.rest->routes.empty()) {
    std::string rest;
    for (size_t idx = segment_idx; idx < segments.size(); ++idx) {
      if (idx > segment_idx) rest += '/';
      rest += segments[idx];
    }
    params[node.rest_name] = rest;
    found = node.rest.get();
    return true;
  }
  return false;
}

template <typename Route>
typename Router<Route>::Match Router<Route>::Find(Method method, const std::string& path) const {
  Match match;
  const Node* found = nullptr;
  if (!Walk(root_, SplitPath(path), 0, match.params, found)) {
    match.params.clear();
    return match;
  }
  auto route = found->routes.find(method);
  if (route == found->routes.end() && method == Method::kHead)
    route = found->routes.find(Method::kGet);
  if (route != found->routes.end()) {
    match.route = &route->second;
    return match;
  }
  match.params.clear();
  for (const auto& [allowed_method, unused] : found->routes) {
    match.allowed.push_back(allowed_method);
    if (allowed_method == Method::kGet) match.allowed.push_back(Method::kHead);
  }
  return match;
}

}  // namespace vivrovert::web
