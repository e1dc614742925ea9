#include "server/domain/staff/auth.h"

namespace shop::queue {
namespace {

constexpr RoleSet kStaff = {Role::kClerk, Role::kSupervisor, Role::kAdmin};
constexpr RoleSet kCounterStaff = {Role::kClerk, Role::kSupervisor};
constexpr RoleSet kKioskAndStaff = {Role::kKiosk, Role::kClerk, Role::kSupervisor, Role::kAdmin};
constexpr RoleSet kEveryone = {Role::kKiosk, Role::kBoard, Role::kClerk, Role::kSupervisor,
                               Role::kAdmin};
// Reviewers of online applications work neither counters nor kiosks.
constexpr RoleSet kReviewers = {Role::kReviewer, Role::kSupervisor, Role::kAdmin};
constexpr RoleSet kEveryStaff = {Role::kClerk, Role::kSupervisor, Role::kAdmin, Role::kReviewer};

}  // namespace

const char* RoleName(Role r) {
  switch (r) {
    case Role::kKiosk: return "kiosk";
    case Role::kBoard: return "board";
    case Role::kClerk: return "clerk";
    case Role::kSupervisor: return "supervisor";
    case Role::kAdmin: return "admin";
    case Role::kReviewer: return "reviewer";
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kKiosk, Role::kBoard, Role::kClerk, Role::kSupervisor, Role::kAdmin,
                 Role::kReviewer})
    if (name == RoleName(r)) return r;
  return std::nullopt;
}

const std::map<std::string, RoleSet, std::less<>>& MethodPolicy() {
  static const auto* table = new std::map<std::string, RoleSet, std::less<>>{
      {"/shop.queue.v1.KioskService/GetBranch", kEveryone},
      {"/shop.queue.v1.KioskService/ListServices", kEveryone},
      {"/shop.queue.v1.KioskService/CreateTicket", kKioskAndStaff},
      {"/shop.queue.v1.KioskService/GetTicket", kKioskAndStaff},
      {"/shop.queue.v1.KioskService/CheckInBooking", kKioskAndStaff},
      // A kiosk reports its own printer; nobody reports for it.
      {"/shop.queue.v1.KioskService/ReportDeviceStatus", {Role::kKiosk}},
      // The online booking site calls these without credentials; each client
      // address is rate-limited instead (BookingServiceImpl).
      {"/shop.queue.v1.BookingService/ListBranches", RoleSet::Public()},
      {"/shop.queue.v1.BookingService/ListSlots", RoleSet::Public()},
      {"/shop.queue.v1.TicketStatusService/GetTicketStatus", RoleSet::Public()},
      {"/shop.queue.v1.BookingService/CreateBooking", RoleSet::Public()},
      {"/shop.queue.v1.BookingService/GetBooking", RoleSet::Public()},
      {"/shop.queue.v1.BookingService/CancelBooking", RoleSet::Public()},
      {"/shop.queue.v1.BookingService/RescheduleBooking", RoleSet::Public()},
      {"/shop.queue.v1.CounterService/GetCounter", kStaff},
      {"/shop.queue.v1.CounterService/OpenCounter", kCounterStaff},
      {"/shop.queue.v1.CounterService/CloseCounter", kCounterStaff},
      {"/shop.queue.v1.CounterService/ListTickets", kStaff},
      {"/shop.queue.v1.CounterService/CallNextTicket", kCounterStaff},
      {"/shop.queue.v1.CounterService/CallTicket", kCounterStaff},
      {"/shop.queue.v1.CounterService/RecallTicket", kCounterStaff},
      {"/shop.queue.v1.CounterService/StartTicket", kCounterStaff},
      {"/shop.queue.v1.CounterService/CompleteTicket", kCounterStaff},
      {"/shop.queue.v1.CounterService/MarkNoShowTicket", kCounterStaff},
      {"/shop.queue.v1.CounterService/TransferTicket", kCounterStaff},
      {"/shop.queue.v1.CounterService/ParkTicket", kCounterStaff},
      {"/shop.queue.v1.CounterService/ReturnTicket", kCounterStaff},
      {"/shop.queue.v1.CounterService/ListDevices", kCounterStaff},
      {"/shop.queue.v1.BoardService/WatchBoard", kEveryone},
      // Supervisor actions among these also carry a supervisor's own
      // credentials, checked by CaseManager (AuthManager::ConfirmSupervisor).
      {"/shop.queue.v1.CaseService/OpenCase", kCounterStaff},
      {"/shop.queue.v1.CaseService/GetCase", kCounterStaff},
      {"/shop.queue.v1.CaseService/SubmitCaseForm", kCounterStaff},
      {"/shop.queue.v1.CaseService/CheckIdentity", kCounterStaff},
      {"/shop.queue.v1.CaseService/RecordPayment", kCounterStaff},
      {"/shop.queue.v1.CaseService/WaiveFee", kCounterStaff},
      {"/shop.queue.v1.CaseService/IssueCard", kCounterStaff},
      {"/shop.queue.v1.CaseService/BlockOldCard", kCounterStaff},
      {"/shop.queue.v1.CaseService/CloseCase", kCounterStaff},
      {"/shop.queue.v1.CaseService/CancelCase", kCounterStaff},
      {"/shop.queue.v1.CaseService/UnlockNumber", kCounterStaff},
      {"/shop.queue.v1.AuthService/Login", RoleSet::Public()},
      {"/shop.queue.v1.AuthService/Logout", kEveryStaff},
      // Reports: the people who run the shop, not the counters.
      {"/shop.queue.v1.ReportService/GetReport", {Role::kSupervisor, Role::kAdmin}},
      // The remote route of a SIM replacement. The applicant calls these
      // without credentials (the application's reference is his); each
      // client address is rate-limited as for booking (RemoteServiceImpl).
      {"/shop.queue.v1.RemoteService/ApplyForReplacement", RoleSet::Public()},
      {"/shop.queue.v1.RemoteService/GetApplicationStatus", RoleSet::Public()},
      {"/shop.queue.v1.RemoteService/WithdrawApplication", RoleSet::Public()},
      {"/shop.queue.v1.RemoteService/ActivateCard", RoleSet::Public()},
      {"/shop.queue.v1.RemoteService/ListOperators", RoleSet::Public()},
      // The review (RemoteManager checks the role again).
      {"/shop.queue.v1.RemoteService/ListApplications", kReviewers},
      {"/shop.queue.v1.RemoteService/GetApplication", kReviewers},
      {"/shop.queue.v1.RemoteService/ApproveApplication", kReviewers},
      {"/shop.queue.v1.RemoteService/RejectApplication", kReviewers},
      {"/shop.queue.v1.RemoteService/DispatchCard", kReviewers},
      {"/shop.queue.v1.RemoteService/CancelApplication", kReviewers},
      // A card sent to a shop is handed over at its counter.
      {"/shop.queue.v1.RemoteService/HandOverCard", kCounterStaff},
      {"/shop.queue.v1.RemoteService/ListPickups", kCounterStaff},
  };
  return *table;
}

Status AuthorizeCall(const std::optional<Principal>& who, std::string_view method) {
  const auto& table = MethodPolicy();
  auto it = table.find(method);
  if (it == table.end())
    return Status::PermissionDenied("method " + std::string(method) + " has no access policy");
  if (it->second.is_public()) return Status::Ok();
  if (!who) return Status::Unauthenticated("this call needs a valid session or device token");
  if (!it->second.Has(who->role))
    return Status::PermissionDenied(std::string("a ") + RoleName(who->role) +
                                    " may not call " + std::string(method));
  return Status::Ok();
}

void LoginAttempts::RecordFailure(absl::Time now) {
  if (++failures >= kMaxFailures) {
    locked_until = now + kLockout;
    failures = 0;
  }
}

void LoginAttempts::RecordSuccess() {
  failures = 0;
  locked_until = absl::InfinitePast();
}

Session Session::Start(std::string login, Role role, absl::Time now) {
  return Session{std::move(login), role, now, now + kLifetime, false};
}

}  // namespace shop::queue
