// Fuzz target: the partners' listings files (CSV or JSON, any encoding) and the France
// Travail offers reader must turn any bytes into items or a clear error, never crash; what
// they read must then go through the schema's normalisation without crashing either.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/listings/france_travail.hpp"
#include "domain/listings/listing_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vivrovert::listings;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const char* name : {"f.csv", "f.json", "upload"}) {
    for (std::optional<Kind> kind : {std::optional<Kind>(), std::optional<Kind>(Kind::kHousing)}) {
      auto file = ReadListingFile(bytes, name, kind);
      if (!file.ok()) continue;
      for (const BatchItem& item : file->items)
        (void)NormaliseListing(item.kind, item.fields, {"id"});
    }
  }
  auto offers = ReadFranceTravailOffers(bytes);
  if (offers.ok()) {
    for (const BatchItem& item : *offers) (void)NormaliseListing(item.kind, item.fields);
  }
  return 0;
}
