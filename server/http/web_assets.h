// The pages' files (server/http/web/), compiled into the binary by
// embed_assets.cmake, so a server needs nothing beside itself to serve them.
#pragma once

#include <string_view>

namespace shop::queue::http {

struct Asset {
  std::string_view name;          // "book.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view data;
};

// The file with exactly this name, or nullptr (there are no folders).
const Asset* FindAsset(std::string_view name);

}  // namespace shop::queue::http
