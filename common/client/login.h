// Staff login from a terminal: asks for the password without echo, calls
// AuthService.Login and keeps the session token in a file only the user can
// read; logout ends the session and removes the file. Used by `counter login`
// and `counter logout`.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/channel.h>

namespace shop::queue::client {

// Returns the process exit code (0 ok, 1 refused, 2 usage/IO).
int LoginAndSave(const std::shared_ptr<grpc::Channel>& channel, const std::string& login,
                 const std::string& token_file);
int LogoutAndForget(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                    const std::string& token_file);

}  // namespace shop::queue::client
