// Every method of every service in the API has an entry in the policy table:
// the list comes from the generated descriptors, so a new RPC without a
// policy fails here.
#include <gtest/gtest.h>

#include "server/domain/staff/auth.h"
#include "shop/queue/v1/auth_service.pb.h"
#include "shop/queue/v1/booking_service.pb.h"
#include "shop/queue/v1/case_service.pb.h"
#include "shop/queue/v1/board_service.pb.h"
#include "shop/queue/v1/counter_service.pb.h"
#include "shop/queue/v1/kiosk_service.pb.h"
#include "shop/queue/v1/remote_service.pb.h"
#include "shop/queue/v1/report_service.pb.h"
#include "shop/queue/v1/ticket_status_service.pb.h"

namespace shop::queue {
namespace {

TEST(Policy, EveryApiMethodHasAnEntry) {
  int methods = 0;
  for (const auto* file : {v1::CreateTicketRequest::descriptor()->file(),
                           v1::CallNextTicketRequest::descriptor()->file(),
                           v1::WatchBoardRequest::descriptor()->file(),
                           v1::LoginRequest::descriptor()->file(),
                           v1::OpenCaseRequest::descriptor()->file(),
                           v1::ListSlotsRequest::descriptor()->file(),
                           v1::GetTicketStatusRequest::descriptor()->file(),
                           v1::GetReportRequest::descriptor()->file(),
                           v1::ApplyForReplacementRequest::descriptor()->file()}) {
    ASSERT_GT(file->service_count(), 0) << file->name();
    for (int s = 0; s < file->service_count(); ++s) {
      const auto* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        std::string name = "/" + service->full_name() + "/" + service->method(m)->name();
        EXPECT_TRUE(MethodPolicy().count(name)) << name << " has no policy entry";
        ++methods;
      }
    }
  }
  EXPECT_EQ(methods, static_cast<int>(MethodPolicy().size()))
      << "the policy table names a method the API does not have";
}

}  // namespace
}  // namespace shop::queue
