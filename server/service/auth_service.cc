#include "server/service/convert.h"
#include "server/service/errors.h"
#include "server/service/services.h"

namespace shop::queue::service {

grpc::Status AuthServiceImpl::Login(grpc::ServerContext* ctx, const pb::LoginRequest* req,
                                    pb::LoginResponse* resp) {
  return Guard(entry_, ctx, *req, "/shop.queue.v1.AuthService/Login", [&]() -> Status {
    if (req->login().empty()) return Status::InvalidArgument("login", "login is required");
    if (req->password().empty())
      return Status::InvalidArgument("password", "password is required");
    auto result = auth_.Login(req->login(), req->password());
    if (!result.ok()) return result.status();
    resp->set_token(result->token);
    ToProto(result->expires, resp->mutable_expire_time());
    resp->set_role(static_cast<pb::Role>(static_cast<int>(result->who.role)));
    return Status::Ok();
  });
}

grpc::Status AuthServiceImpl::Logout(grpc::ServerContext* ctx, const pb::LogoutRequest* req,
                                     pb::LogoutResponse* /*resp*/) {
  return Guard(entry_, ctx, *req, "/shop.queue.v1.AuthService/Logout",
               [&] { return auth_.Logout(BearerToken(*ctx)); });
}

}  // namespace shop::queue::service
