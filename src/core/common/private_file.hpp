// Files only their owner may read (secrets), created with that mode from the start.
//
// Thread safety: a plain function. Errors: returned as Status, never thrown.
#pragma once

#include <string>
#include <string_view>

#include "core/common/status.hpp"

namespace vivrovert {

// Creates `path` readable and writable by its owner only (0600, whatever the umask) and
// writes `content`: open(O_CREAT | O_EXCL | O_NOFOLLOW, 0600), so the file never exists
// with a wider mode, and an existing file or a symbolic link planted at `path` is refused
// (AlreadyExists) rather than written through. Unavailable on any other I/O failure (the
// partly written file is removed).
Status CreatePrivateFile(const std::string& path, std::string_view content);

}  // namespace vivrovert
