#include "data/geo/projection.hpp"

#include <proj.h>

#include <cmath>
#include <utility>

namespace vivrovert::geo {

Projector::Projector(pj_ctx* context, PJconsts* transformation)
    : context_(context), transformation_(transformation) {}

Projector::Projector(Projector&& other) noexcept
    : context_(std::exchange(other.context_, nullptr)),
      transformation_(std::exchange(other.transformation_, nullptr)) {}

Projector& Projector::operator=(Projector&& other) noexcept {
  if (this != &other) {
    if (transformation_) proj_destroy(transformation_);
    if (context_) proj_context_destroy(context_);
    context_ = std::exchange(other.context_, nullptr);
    transformation_ = std::exchange(other.transformation_, nullptr);
  }
  return *this;
}

Projector::~Projector() {
  if (transformation_) proj_destroy(transformation_);
  if (context_) proj_context_destroy(context_);
}

Result<Projector> Projector::Create(const std::string& from, const std::string& to) {
  PJ_CONTEXT* context = proj_context_create();
  // Never reach for grids over the network: this product works offline.
  proj_context_set_enable_network(context, 0);
  PJ* raw = proj_create_crs_to_crs(context, from.c_str(), to.c_str(), nullptr);
  if (raw == nullptr) {
    proj_context_destroy(context);
    return InvalidArgument("PROJ cannot transform " + from + " to " + to);
  }
  PJ* normalised = proj_normalize_for_visualization(context, raw);
  proj_destroy(raw);
  if (normalised == nullptr) {
    proj_context_destroy(context);
    return InvalidArgument("PROJ cannot normalise the axis order of " + from + " to " + to);
  }
  return Projector(context, normalised);
}

bool Projector::Transform(Point& point) const {
  PJ_COORD coord = proj_coord(point.x, point.y, 0, 0);
  PJ_COORD out = proj_trans(transformation_, PJ_FWD, coord);
  if (!std::isfinite(out.xy.x) || !std::isfinite(out.xy.y)) return false;
  point.x = out.xy.x;
  point.y = out.xy.y;
  return true;
}

}  // namespace vivrovert::geo
