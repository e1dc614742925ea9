// [notify] of the server configuration: the outbox sender's switch, retry
// rules, channels ([notify.smtp], [notify.sms]) and message texts
// ([notify.templates.<key>] ru/en/zh). Secrets are never inline: the SMTP
// password and the gateway token come from `*_file` (the file's first line)
// or `*_env` (an environment variable), read here. Unknown keys are refused.
// Part of config_loader; stateless; thread-safe.
#pragma once

#include <string>

#include <toml++/toml.h>

#include "server/domain/common/branch.h"
#include "server/domain/common/status.h"

namespace shop::queue {

// Fills config.notify and config.templates from `node` (root["notify"];
// nullptr: defaults). Errors name the key ("notify.sms.url").
Status ParseNotify(const toml::node* node, ServerConfig& config, const std::string& origin);

}  // namespace shop::queue
