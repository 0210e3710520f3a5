#include "web/partners/partner_access.hpp"

#include "core/common/paris_time.hpp"

namespace vivrovert::partners {

std::string PartnerBase(const Partner& partner) { return "/partenaire/" + partner.slug; }

Result<Access> AccessFor(web::Context& context, storage::Database& database, bool need_edit,
                         bool need_admin) {
  const auto& user = context.user();
  if (!user) return Unauthenticated("Connectez-vous pour accéder à l'espace partenaire.");
  storage::Connection connection = database.Acquire();
  std::optional<Partner> partner = PartnerStore::FindBySlug(connection, context.Param("slug"));
  if (!partner) return NotFound("Partenaire introuvable.");
  Access access;
  access.partner = std::move(*partner);
  if (user->role == "operator") {
    access.operator_access = true;
    access.role = StaffRole::kAdmin;
  }
  access.today = ParisDate(context.Now());
  if (!access.operator_access) {
    std::optional<StaffRole> role =
        PartnerStore::RoleOf(connection, access.partner.id, user->user_id);
    if (!role) {
      // The staff of a grouping it is a member of today act on its pages (the first such
      // grouping, by id, where they hold the highest role).
      for (int64_t grouping_id :
           PartnerStore::GroupingsOn(connection, access.partner.id, access.today)) {
        std::optional<StaffRole> grouping_role =
            PartnerStore::RoleOf(connection, grouping_id, user->user_id);
        if (grouping_role &&
            (!role || static_cast<int>(*grouping_role) < static_cast<int>(*role))) {
          role = grouping_role;
          access.through_grouping = PartnerStore::Get(connection, grouping_id);
        }
      }
    }
    if (!role) return NotFound("Partenaire introuvable.");
    access.role = *role;
  }
  const std::string base = PartnerBase(access.partner);
  const std::string& path = context.request().path();
  access.section = "annonces";
  if (path.size() > base.size() + 1 && path.compare(0, base.size() + 1, base + "/") == 0) {
    const size_t end = path.find('/', base.size() + 1);
    access.section = path.substr(
        base.size() + 1, end == std::string::npos ? std::string::npos : end - base.size() - 1);
  }
  access.entitlements =
      subscriptions::SubscriptionStore::For(connection, access.partner.id, access.today);
  if (need_edit && !access.can_edit())
    return PermissionDenied("Votre rôle ne permet que la consultation.");
  if (need_admin && !access.can_administer()) {
    return PermissionDenied("Seuls les administrateurs du partenaire gèrent les clés et l'équipe.");
  }
  return access;
}

Result<web::Response> NotEntitledPage(web::Context& context, const Access& access,
                                      subscriptions::ProductCode product) {
  const subscriptions::MissingProduct missing =
      subscriptions::DescribeMissing(product, access.partner.kind);
  return context.Page("partner_not_entitled",
                      mstch::map{{"title", missing.label + " — " + access.partner.name},
                                 {"partner", PartnerData(access)},
                                 {"label", missing.label},
                                 {"pitch", missing.pitch},
                                 {"price", missing.price_text},
                                 {"quote_path", missing.quote_path},
                                 {"is_base", product == subscriptions::ProductCode::kBase}},
                      403);
}

mstch::map PartnerData(const Access& access) {
  const Partner& partner = access.partner;
  return mstch::map{
      {"name", partner.name},
      {"slug", partner.slug},
      {"base", PartnerBase(partner)},
      {"kind_label", std::string(PartnerKindLabel(partner.kind))},
      {"role_label",
       std::string(access.operator_access ? "Opérateur VivroVert" : StaffRoleLabel(access.role))},
      {"can_edit", access.can_edit()},
      {"can_administer", access.can_administer()},
      {"is_demo", partner.is_demo},
      {"nav", mstch::map{{access.section, true}}},
      {"lead_report_label", std::string(ReportFrequencyLabel(partner.lead_report_frequency))},
      {"is_grouping", partner.kind == PartnerKind::kGrouping},
      {"through_grouping",
       access.through_grouping
           ? mstch::node(mstch::map{{"name", access.through_grouping->name},
                                    {"base", PartnerBase(*access.through_grouping)}})
           : mstch::node(false)}};
}

}  // namespace vivrovert::partners
