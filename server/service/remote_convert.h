// Conversions between the remote route's domain values (RemoteManager,
// server/domain/remote/) and shop.queue.v1's RemoteService messages, shared
// by the applicant's calls (RemotePublicCalls) and the staff's
// (RemoteServiceImpl). Pure functions; thread-safe.
#pragma once

#include <string>

#include "server/domain/common/branch.h"
#include "server/domain/remote/remote_manager.h"
#include "shop/queue/v1/remote_service.pb.h"

namespace shop::queue::service {

namespace pb = ::shop::queue::v1;

// An enum's value as the domain spells it: "" for UNSPECIFIED, the value's
// number for one this server does not know (the domain then names the field
// as bad input).
std::string ReasonFromProto(pb::ReplacementReason r);
std::string DocumentFromProto(pb::DocumentType t);
std::string DeliveryFromProto(pb::Delivery d);
std::string LanguageFromProto(pb::Language l);

pb::Delivery DeliveryToProto(Delivery d);
pb::ApplicationState StateToProto(CaseState s);
// The managers' answers name the state (CaseStateName).
pb::ApplicationState StateToProto(const std::string& name);

// The applicant's view, with the time zone of the shop handling it (from
// `config`).
void StatusToProto(const ApplicationStatus& s, const ServerConfig& config,
                   pb::ApplicationStatus* out);

}  // namespace shop::queue::service
