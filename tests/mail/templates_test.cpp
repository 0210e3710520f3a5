// The French mail templates of templates/mail/ and the Message-ID derivation.
#include "domain/mail/templates.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/common/env.hpp"
#include "domain/mail/smtp_transport.hpp"
#include "support/mustache_values.hpp"
#include "support/test_text.hpp"

namespace vivrovert::mail {
namespace {

using vivrovert::testing::Contains;

class MailTemplatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = MailTemplates::Load(VIVROVERT_TEST_SOURCE_ROOT);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    templates_ = std::move(loaded).value();
  }

  static TemplateValues Values(const std::string& display_name) {
    return {{"display_name", display_name},
            {"link", "https://vivrovert.test/compte/confirmer?jeton=abc&suite=1"},
            {"expires_hours", "24"}};
  }

  MailTemplates templates_;
};

const std::vector<std::string> kAccountMails = {"change_email", "reset_password", "verify_email"};

TEST_F(MailTemplatesTest, HasTheAccountAndListMails) {
  std::vector<std::string> names = templates_.Names();
  for (const std::string& name : kAccountMails) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  for (const char* name : {"listing_instant", "digest", "lead_report"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

TEST_F(MailTemplatesTest, RendersFrenchTextAndHtmlSignedByTheTeam) {
  for (const std::string& name : kAccountMails) {
    SCOPED_TRACE(name);
    auto mail = templates_.Render(name, Values("Hélène"));
    ASSERT_TRUE(mail.ok()) << mail.status().ToString();
    EXPECT_TRUE(mail->idempotency_key.empty());
    EXPECT_TRUE(mail->to_address.empty());
    EXPECT_FALSE(mail->subject.empty());
    EXPECT_FALSE(Contains(mail->subject, "\n"));
    EXPECT_TRUE(Contains(mail->body_text, "Bonjour Hélène,"));
    EXPECT_TRUE(Contains(mail->body_html, "Bonjour Hélène,"));
    EXPECT_TRUE(
        Contains(mail->body_text, "https://vivrovert.test/compte/confirmer?jeton=abc&suite=1"));
    // mstch escapes '/' too; browsers and mail readers decode the entities in href.
    EXPECT_TRUE(Contains(mail->body_html,
                         "href=\"https:&#x2F;&#x2F;vivrovert.test&#x2F;compte&#x2F;"
                         "confirmer?jeton=abc&amp;suite=1\""));
    EXPECT_TRUE(Contains(mail->body_text, "expire dans 24 h"));
    EXPECT_TRUE(Contains(mail->body_html, "expire dans 24&nbsp;h"));
    EXPECT_TRUE(Contains(mail->body_text, "L'équipe VivroVert"));
    EXPECT_TRUE(Contains(mail->body_html, "L'équipe VivroVert"));
    EXPECT_TRUE(Contains(mail->body_html, "<html lang=\"fr\">"));
    EXPECT_FALSE(Contains(mail->body_text, "{{"));
    EXPECT_FALSE(Contains(mail->body_html, "{{"));
  }
  EXPECT_EQ(templates_.Render("verify_email", Values("x"))->subject,
            "Confirmez votre adresse e-mail sur VivroVert");
  EXPECT_EQ(templates_.Render("reset_password", Values("x"))->subject,
            "Réinitialisation de votre mot de passe VivroVert");
  EXPECT_EQ(templates_.Render("change_email", Values("x"))->subject,
            "Confirmez votre nouvelle adresse e-mail VivroVert");
}

TEST_F(MailTemplatesTest, EscapesHtmlButNotPlainText) {
  const std::string name = "<script>alert('x')</script> Zoé & Cie";
  auto mail = templates_.Render("verify_email", Values(name));
  ASSERT_TRUE(mail.ok()) << mail.status().ToString();
  EXPECT_FALSE(Contains(mail->body_html, "<script>"));
  EXPECT_TRUE(Contains(mail->body_html,
                       "&lt;script&gt;alert(&#39;x&#39;)&lt;&#x2F;script&gt; Zoé &amp; Cie"));
  EXPECT_TRUE(Contains(mail->body_text, "Bonjour " + name + ","));
}

TEST_F(MailTemplatesTest, EmptyDisplayNameGreetsWithoutAName) {
  auto mail = templates_.Render("reset_password", Values(""));
  ASSERT_TRUE(mail.ok()) << mail.status().ToString();
  EXPECT_TRUE(Contains(mail->body_text, "Bonjour,\n"));
  EXPECT_TRUE(Contains(mail->body_html, "<p>Bonjour,</p>"));
}

TEST_F(MailTemplatesTest, MissingValueOrUnknownMailIsAnError) {
  TemplateValues values = Values("Zoé");
  values.erase("link");
  auto missing = templates_.Render("change_email", values);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().field(), "link");

  auto unknown = templates_.Render("newsletter", Values("Zoé"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
}

TEST(MailTemplatesLoadTest, RefusesAMissingFolderOrAnIncompleteMail) {
  const std::filesystem::path root =
      std::filesystem::temp_directory_path() /
      ("vivrovert-mail-templates-" + SecureRandom::Instance().Token(6));
  auto missing = MailTemplates::Load(root.string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kFailedPrecondition);

  std::filesystem::create_directories(root / "templates" / "mail");
  std::ofstream(root / "templates" / "mail" / "lonely.subject.txt") << "Objet\n";
  std::ofstream(root / "templates" / "mail" / "lonely.txt") << "Texte\n";
  auto incomplete = MailTemplates::Load(root.string());
  ASSERT_FALSE(incomplete.ok());
  EXPECT_EQ(incomplete.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(incomplete.status().message(), "lonely.html"));

  std::ofstream(root / "templates" / "mail" / "lonely.html") << "<p>{{> nowhere}}</p>\n";
  auto unknown_partial = MailTemplates::Load(root.string());
  ASSERT_FALSE(unknown_partial.ok());
  EXPECT_TRUE(Contains(unknown_partial.status().message(), "nowhere"));
  std::filesystem::remove_all(root);
}

TEST(MailTemplatesLoadTest, RendersListsFromNestedValuesAndChecksOnlyTopLevelVariables) {
  const std::filesystem::path root =
      std::filesystem::temp_directory_path() /
      ("vivrovert-mail-templates-" + SecureRandom::Instance().Token(6));
  std::filesystem::create_directories(root / "templates" / "mail");
  std::ofstream(root / "templates" / "mail" / "digest.subject.txt") << "{{{count}}} annonces\n";
  std::ofstream(root / "templates" / "mail" / "digest.txt")
      << "{{#items}}- {{{title}}} ({{{price}}} €){{#new}} "
         "nouveau{{/new}}\n{{/items}}{{^items}}rien{{/items}}";
  std::ofstream(root / "templates" / "mail" / "digest.html")
      << "<ul>{{#items}}<li>{{title}}</li>{{/items}}</ul>";
  auto loaded = MailTemplates::Load(root.string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();

  nlohmann::json values = {{"count", 2},
                           {"items",
                            {{{"title", "Maison & jardin"}, {"price", 150000}, {"new", true}},
                             {{"title", "Longère"}, {"price", 99.5}, {"new", nullptr}}}}};
  auto mail = loaded->RenderNested("digest", values);
  ASSERT_TRUE(mail.ok()) << mail.status().ToString();
  EXPECT_EQ(mail->subject, "2 annonces");
  EXPECT_EQ(mail->body_text, "- Maison & jardin (150000 €) nouveau\n- Longère (99.5 €)\n");
  EXPECT_EQ(mail->body_html, "<ul><li>Maison &amp; jardin</li><li>Longère</li></ul>");

  // `title` and `price` live inside the section: only `count` is required.
  auto empty = loaded->RenderNested(
      "digest", nlohmann::json{{"count", 0}, {"items", nlohmann::json::array()}});
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->body_text, "rien");
  auto missing = loaded->RenderNested("digest", nlohmann::json{{"items", nlohmann::json::array()}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().field(), "count");
  std::filesystem::remove_all(root);
}

// Issue 25: each file is rendered with only the partials it reaches; every mail, filled with
// values that open every section and with values that hide them, gives the same bytes as
// with every partial handed to every render (the way before).
TEST(MailTemplatesPartialsTest, EveryMailRendersTheSameBytesWithOnlyItsPartials) {
  auto reachable = MailTemplates::Load(VIVROVERT_TEST_SOURCE_ROOT);
  auto every = MailTemplates::Load(VIVROVERT_TEST_SOURCE_ROOT, true);
  ASSERT_TRUE(reachable.ok()) << reachable.status().ToString();
  ASSERT_TRUE(every.ok()) << every.status().ToString();
  const vivrovert::testing::MustacheValues values(
      std::filesystem::path(VIVROVERT_TEST_SOURCE_ROOT) / "templates" / "mail");
  ASSERT_GT(values.variable_count(), 20u);
  ASSERT_GT(values.section_count(), 5u);
  ASSERT_GE(reachable->Names().size(), 8u);
  ASSERT_EQ(reachable->Names(), every->Names());
  for (const std::string& name : reachable->Names()) {
    for (const nlohmann::json& data : {values.Full(), values.Hidden()}) {
      SCOPED_TRACE(name + (data == values.Full() ? " (sections shown)" : " (sections hidden)"));
      auto got = reachable->RenderNested(name, data);
      auto expected = every->RenderNested(name, data);
      ASSERT_TRUE(expected.ok()) << expected.status().ToString();
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(got->subject, expected->subject);
      EXPECT_EQ(got->body_text, expected->body_text);
      EXPECT_EQ(got->body_html, expected->body_html);
      EXPECT_TRUE(Contains(got->body_html, "&amp; &lt;b&gt;&quot;l&#39;été&quot;&lt;&#x2F;b&gt;"))
          << "the values reach the body, escaped";
    }
    // A missing variable is refused the same way.
    EXPECT_EQ(reachable->RenderNested(name, nlohmann::json::object()).status().code(),
              every->RenderNested(name, nlohmann::json::object()).status().code());
  }
}

TEST(MessageIdTest, IsStablePerKeyAndAtTheSendersDomain) {
  const std::string id =
      MessageIdFor("verify_email:7:abc", "VivroVert <ne-pas-repondre@vivrovert.fr>");
  EXPECT_EQ(id, MessageIdFor("verify_email:7:abc", "autre@vivrovert.fr"));
  EXPECT_NE(id, MessageIdFor("verify_email:7:abd", "autre@vivrovert.fr"));
  EXPECT_TRUE(id.starts_with("<"));
  EXPECT_TRUE(id.ends_with("@vivrovert.fr>"));
  EXPECT_FALSE(Contains(id, "verify_email"));  // the key itself is not disclosed
  EXPECT_EQ(id.size(), 1 + 32 + 1 + std::string("vivrovert.fr").size() + 1);
  EXPECT_TRUE(MessageIdFor("k", "no address").ends_with("@vivrovert.localhost>"));
}

}  // namespace
}  // namespace vivrovert::mail
