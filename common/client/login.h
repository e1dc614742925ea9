// Staff login from a terminal: asks for the password without echo, calls
// AuthService.Login and keeps the session token in a file only the user can
// read; logout ends the session and removes the file. Used by `counter login`
// and `counter logout`.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "shop/queue/v1/auth_service.grpc.pb.h"

namespace shop::queue::client {

// AuthService.Login with `login` and `password` (10 s deadline); fills *out
// only when the status is OK. For programs that ask the password their own
// way (the desktop counter's dialog).
grpc::Status Login(const std::shared_ptr<grpc::Channel>& channel, const std::string& login,
                   const std::string& password, shop::queue::v1::LoginResponse* out);

// Writes `token` as the session file `token_file` (its folder made, the file
// readable by its owner only), as `counter login` keeps it: the token on the
// first line (all that programs read as the token), the staff `login` on the
// second. On failure returns false with the reason in *error.
bool SaveToken(const std::string& token_file, const std::string& token, std::string* error,
               const std::string& login = "");
// The staff login a session file names (its second line), "" if none.
std::string SavedLogin(const std::string& token_file);

// Returns the process exit code (0 ok, 1 refused, 2 usage/IO).
int LoginAndSave(const std::shared_ptr<grpc::Channel>& channel, const std::string& login,
                 const std::string& token_file);
int LogoutAndForget(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                    const std::string& token_file);

}  // namespace shop::queue::client
