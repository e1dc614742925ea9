// Fuzzes the TOML configuration loader: any text must give either a valid
// configuration or an INVALID_ARGUMENT naming a key; never a crash, a hang
// or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/config/config_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto config = shop::queue::ParseConfig(text, "fuzz.toml");
  if (!config.ok()) {
    if (config.status().code() != shop::queue::Status::Code::kInvalidArgument ||
        config.status().field().empty())
      std::abort();  // every refusal must name what is wrong
    return 0;
  }
  if (!config->Validate().ok()) std::abort();  // accepted means valid
  for (const auto& b : config->branches) {
    absl::Time t = absl::FromUnixSeconds(1'800'000'000);
    (void)b.BusinessDay(t);
    (void)b.IsOpen(t);
    (void)b.ClosingTime(t);
  }
  return 0;
}
