// The advisory lock keys of this program (pg_advisory_lock's bigint space).
#pragma once

#include <cstdint>

namespace shop::queue::pg {

inline constexpr int64_t kMigrationLock = 0x5155455545000001;   // schema migrations
inline constexpr int64_t kWriteLock = 0x5155455545000002;       // every write transaction
inline constexpr int64_t kBackgroundLock = 0x5155455545000003;  // the replica doing background work

}  // namespace shop::queue::pg
