// FaultVfs: a SQLite VFS that wraps the default one and can be told to fail writes as a full
// disk would, so tests can show what the station does when the disk fills up. Register it once
// and pass its name in OpenOptions::vfs. Not for production use.
// Thread-safety: the budget is an atomic; any thread may change it.
#pragma once

#include <cstdint>
#include <string>

namespace weimin::storage {

class FaultVfs {
 public:
  // Registers the VFS (idempotent) and returns its name.
  static std::string install();
  // After `bytes` more bytes have been written through the VFS, every write fails with
  // SQLITE_FULL. A negative value means no limit (the default).
  static void set_write_budget(std::int64_t bytes);
};

}  // namespace weimin::storage
