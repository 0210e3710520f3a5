#include "core/common/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vivrovert {

Status CreatePrivateFile(const std::string& path, std::string_view content) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) {
    const int open_error = errno;
    if (open_error == EEXIST) return AlreadyExists(path + " exists already");
    return Unavailable("cannot create " + path + ": " + std::strerror(open_error));
  }
  // The umask can only narrow 0600; fchmod makes the mode exact should it be 0.
  bool written = ::fchmod(fd, S_IRUSR | S_IWUSR) == 0;
  size_t done = 0;
  while (written && done < content.size()) {
    const ssize_t count = ::write(fd, content.data() + done, content.size() - done);
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) {
      written = false;
      break;
    }
    done += static_cast<size_t>(count);
  }
  const int write_error = errno;
  if (::close(fd) != 0) written = false;
  if (!written) {
    ::unlink(path.c_str());
    return Unavailable("cannot write " + path + ": " + std::strerror(write_error));
  }
  return Status::Ok();
}

}  // namespace vivrovert
