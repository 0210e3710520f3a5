#include "data/update/unpack.hpp"

#include <Poco/Exception.h>
#include <Poco/Path.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <vector>

namespace vivrovert::data_update {

namespace {

namespace fs = std::filesystem;

Status Publish(const std::string& temp, const std::string& target) {
  std::error_code error;
  fs::rename(temp, target, error);
  if (error) {
    fs::remove(temp, error);
    return Unavailable("cannot rename " + temp + " to " + target);
  }
  return Status::Ok();
}

}  // namespace

Status Gunzip(const std::string& source, const std::string& target) {
  gzFile in = gzopen(source.c_str(), "rb");
  if (in == nullptr) return Unavailable("cannot read " + source);
  const std::string temp = target + ".unpacking";
  std::ofstream out(temp, std::ios::binary | std::ios::trunc);
  if (!out) {
    gzclose(in);
    return Unavailable("cannot write " + temp);
  }
  std::vector<char> buffer(1 << 20);
  int got = 0;
  while ((got = gzread(in, buffer.data(), static_cast<unsigned>(buffer.size()))) > 0) {
    out.write(buffer.data(), got);
  }
  int code = Z_OK;
  const char* message = gzerror(in, &code);
  const std::string reason = message == nullptr ? std::string() : message;
  // A file that is not gzip at all reads through as is (zlib's transparent mode): refuse it.
  const bool plain = gzdirect(in) != 0;
  gzclose(in);
  out.close();
  std::error_code error;
  if (got < 0 || (code != Z_OK && code != Z_STREAM_END) || plain) {
    fs::remove(temp, error);
    return DataLoss(source + ": not a complete gzip file" +
                    (reason.empty() ? "" : " (" + reason + ")"));
  }
  if (!out) {
    fs::remove(temp, error);
    return Unavailable("cannot write " + temp + " (disk full?)");
  }
  return Publish(temp, target);
}

Status Unzip(const std::string& source, const std::string& member, const std::string& target) {
  std::ifstream in(source, std::ios::binary);
  if (!in) return Unavailable("cannot read " + source);
  const std::string temp = target + ".unpacking";
  try {
    const std::regex wanted(member);
    Poco::Zip::ZipArchive archive(in);
    std::string names;
    for (auto header = archive.headerBegin(); header != archive.headerEnd(); ++header) {
      if (header->second.isDirectory()) continue;
      const std::string name = Poco::Path(header->first).getFileName();
      names += (names.empty() ? "" : ", ") + name;
      if (!std::regex_match(name, wanted)) continue;
      in.clear();
      Poco::Zip::ZipInputStream zipped(in, header->second);
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      if (!out) return Unavailable("cannot write " + temp);
      out << zipped.rdbuf();
      out.close();
      if (!out) return Unavailable("cannot write " + temp + " (disk full?)");
      return Publish(temp, target);
    }
    return NotFound(source + ": no member matches '" + member + "' (it holds " +
                    (names.empty() ? std::string("nothing") : names) + ")");
  } catch (const std::regex_error&) {
    return InvalidArgument("'" + member + "' is not a valid regular expression", "member");
  } catch (const Poco::Exception& error) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    return DataLoss(source + ": not a readable zip (" + error.displayText() + ")");
  }
}

}  // namespace vivrovert::data_update
