#include "weimin/storage/fault_vfs.hpp"

#include <sqlite3.h>

#include <atomic>
#include <mutex>

#include "sqlite_setup.hpp"

namespace weimin::storage {
namespace {

std::atomic<std::int64_t> g_budget{-1};
sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs{};
sqlite3_io_methods g_methods{};

struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real;  // lives right after this struct
};

sqlite3_file* real_of(sqlite3_file* f) {
  return reinterpret_cast<FaultFile*>(f)->real;
}

int fault_write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  std::int64_t budget = g_budget.load();
  while (budget >= 0) {
    if (budget < amount) {
      g_budget.store(0);
      return SQLITE_FULL;
    }
    if (g_budget.compare_exchange_weak(budget, budget - amount)) break;
  }
  sqlite3_file* r = real_of(f);
  return r->pMethods->xWrite(r, data, amount, offset);
}

int fault_close(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  return r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
}
int fault_read(sqlite3_file* f, void* data, int amount, sqlite3_int64 offset) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xRead(r, data, amount, offset);
}
int fault_truncate(sqlite3_file* f, sqlite3_int64 size) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xTruncate(r, size);
}
int fault_sync(sqlite3_file* f, int flags) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xSync(r, flags);
}
int fault_file_size(sqlite3_file* f, sqlite3_int64* size) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xFileSize(r, size);
}
int fault_lock(sqlite3_file* f, int level) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xLock(r, level);
}
int fault_unlock(sqlite3_file* f, int level) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xUnlock(r, level);
}
int fault_check_reserved(sqlite3_file* f, int* out) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xCheckReservedLock(r, out);
}
int fault_file_control(sqlite3_file* f, int op, void* arg) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xFileControl(r, op, arg);
}
int fault_sector_size(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xSectorSize(r);
}
int fault_device_characteristics(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xDeviceCharacteristics(r);
}
int fault_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xShmMap(r, page, size, extend, out);
}
int fault_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xShmLock(r, offset, n, flags);
}
void fault_shm_barrier(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  r->pMethods->xShmBarrier(r);
}
int fault_shm_unmap(sqlite3_file* f, int remove) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xShmUnmap(r, remove);
}
int fault_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  *out = nullptr;  // no memory mapping: every write goes through xWrite
  (void)f;
  (void)offset;
  (void)amount;
  return SQLITE_OK;
}
int fault_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  (void)f;
  (void)offset;
  (void)p;
  return SQLITE_OK;
}

int fault_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  (void)vfs;
  auto* ff = reinterpret_cast<FaultFile*>(file);
  ff->real = reinterpret_cast<sqlite3_file*>(ff + 1);
  const int rc = g_real->xOpen(g_real, name, ff->real, flags, out_flags);
  file->pMethods = ff->real->pMethods ? &g_methods : nullptr;
  return rc;
}

}  // namespace

std::string FaultVfs::install() {
  static std::once_flag once;
  std::call_once(once, [] {
    detail::configure_sqlite_once();  // before sqlite3_vfs_find initialises SQLite
    g_real = sqlite3_vfs_find(nullptr);
    g_methods = sqlite3_io_methods{3,
                                   fault_close,
                                   fault_read,
                                   fault_write,
                                   fault_truncate,
                                   fault_sync,
                                   fault_file_size,
                                   fault_lock,
                                   fault_unlock,
                                   fault_check_reserved,
                                   fault_file_control,
                                   fault_sector_size,
                                   fault_device_characteristics,
                                   fault_shm_map,
                                   fault_shm_lock,
                                   fault_shm_barrier,
                                   fault_shm_unmap,
                                   fault_fetch,
                                   fault_unfetch};
    g_vfs = *g_real;
    g_vfs.pNext = nullptr;
    g_vfs.zName = "weimin-fault";
    g_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_real->szOsFile;
    g_vfs.xOpen = fault_open;
    sqlite3_vfs_register(&g_vfs, 0);
  });
  return "weimin-fault";
}

void FaultVfs::set_write_budget(std::int64_t bytes) {
  g_budget.store(bytes);
}

}  // namespace weimin::storage
