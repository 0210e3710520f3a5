// The text of a PDF as a reader gets it: `pdftotext -layout` (poppler-utils) over the bytes.
// For tests of generated documents (quotes, invoices).
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace vivrovert::testing {

// The extracted text of `pdf`, "" when pdftotext fails (the test then fails on its checks).
inline std::string PdfText(const std::string& pdf) {
  char path[] = "/tmp/vivrovert-pdf-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return {};
  close(fd);
  {
    std::ofstream out(path, std::ios::binary);
    out.write(pdf.data(), static_cast<std::streamsize>(pdf.size()));
  }
  const std::string text_path = std::string(path) + ".txt";
  const std::string command = "/usr/bin/pdftotext -layout -enc UTF-8 '" + std::string(path) +
                              "' '" + text_path + "' 2>/dev/null";
  const int status = std::system(command.c_str());
  std::string text;
  if (status == 0) {
    std::ifstream in(text_path, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::remove(path);
  std::remove(text_path.c_str());
  return text;
}

}  // namespace vivrovert::testing
