#include "domain/listings/listing_template.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "domain/listings/listing_file.hpp"

namespace vivrovert::listings {
namespace {

TEST(ListingTemplateTest, EveryTemplateIsAValidExampleOfItsKind) {
  for (Kind kind : kAllKinds) {
    SCOPED_TRACE(KindName(kind));
    const std::string csv = CsvTemplate(kind);
    ASSERT_TRUE(
        csv.starts_with("\xEF\xBB\xBF"
                        "kind;external_id;title;"));
    const std::string header = csv.substr(3, csv.find("\r\n") - 3);
    for (const FieldSpec* spec : AllFields(kind)) {
      EXPECT_NE((";" + header + ";").find(std::string(";") + spec->name + ";"), std::string::npos)
          << spec->name;
    }
    Result<ListingFile> file = ReadListingFile(csv, TemplateFileName(kind), kind);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    EXPECT_EQ(file->delimiter, ';');
    ASSERT_EQ(file->items.size(), 1u);
    const BatchItem& item = file->items[0];
    EXPECT_TRUE(item.read_errors.empty());
    EXPECT_EQ(item.kind, kind);
    EXPECT_TRUE(item.fields["title"].get<std::string>().starts_with("EXEMPLE"));
    EXPECT_EQ(item.fields["external_id"], "EXEMPLE-1");
    // Every field of the kind has an example value, and the example is a valid listing.
    for (const FieldSpec* spec : AllFields(kind))
      EXPECT_TRUE(item.fields.contains(spec->name)) << spec->name;
    Normalised normalised = NormaliseListing(kind, item.fields);
    for (const FieldError& error : normalised.errors)
      ADD_FAILURE() << error.field << ": " << error.message;
  }
  EXPECT_EQ(TemplateFileName(Kind::kBusiness), "modele-annonces-activite-a-reprendre.csv");
}

TEST(ListingTemplateTest, FileFormatJsonDescribesTheFormat) {
  const nlohmann::json format = FileFormatJson();
  EXPECT_EQ(format["max_bytes"], kMaxListingFileBytes);
  EXPECT_EQ(format["separators"], nlohmann::json({";", ","}));
  EXPECT_EQ(format["templates"].size(), std::size(kAllKinds));
  EXPECT_EQ(format["kind_column"]["values"][0]["code"], "housing");
}

// docs/LISTINGS.md documents every field of every kind; a field added to the schema must
// be added there too.
TEST(ListingTemplateTest, TheUserDocumentationNamesEveryField) {
  std::ifstream in(std::string(VIVROVERT_SOURCE_ROOT) + "/docs/LISTINGS.md");
  ASSERT_TRUE(in) << "docs/LISTINGS.md is missing";
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (Kind kind : kAllKinds) {
    for (const FieldSpec* spec : AllFields(kind)) {
      EXPECT_NE(doc.find(std::string("`") + spec->name + "`"), std::string::npos)
          << "docs/LISTINGS.md does not mention the field `" << spec->name << "` of "
          << KindName(kind);
    }
  }
}

}  // namespace
}  // namespace vivrovert::listings
