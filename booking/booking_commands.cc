#include "booking/booking_commands.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "booking/booking_format.h"
#include "common/client/text.h"

namespace shop::queue::booking {
namespace {

using client::CustomerAction;

using Runner = int (*)(const BookingClient&, BookingIo&, const BookingFlags&);

int Usage(BookingIo& io, const std::string& message) {
  io.err << "error: " << message << '\n';
  return kExitUsageOrConnection;
}

// The branch's time zone, as ListSlots names it, and the slots of the local
// `date` ("YYYY-MM-DD"; empty: the zone only). A date ListSlots refuses (in
// the past, beyond the horizon) still gets the zone, with no slots: the
// server's answer to the booking itself then says what is wrong.
grpc::Status ZoneAndDay(const BookingClient& client, const std::string& service,
                        const std::string& date, std::string* zone,
                        std::vector<v1::Slot>* day_slots) {
  v1::ListSlotsResponse response;
  grpc::Status status = client.ListSlots({service, date, date, false}, &response);
  if (!date.empty() && (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
                        status.error_code() == grpc::StatusCode::FAILED_PRECONDITION ||
                        status.error_code() == grpc::StatusCode::OUT_OF_RANGE)) {
    status = client.ListSlots({service, "", "", false}, &response);
    response.clear_slots();
  }
  if (!status.ok()) return status;
  *zone = response.time_zone();
  day_slots->assign(response.slots().begin(), response.slots().end());
  return grpc::Status::OK;
}

// The zone to show `booking` in: the branch's, or "" (this machine's) when
// the server cannot be asked.
std::string ZoneFor(const BookingClient& client, const v1::Booking& booking) {
  if (!booking.time_zone().empty()) return booking.time_zone();  // the server names it
  // An older server: ask ListSlots for the branch's zone.
  std::string zone;
  std::vector<v1::Slot> ignored;
  if (!ZoneAndDay(client, booking.service_prefix(), "", &zone, &ignored).ok()) return "";
  return zone;
}

// The instant of `--at` for `service`: zone from ListSlots, DST settled by
// that day's slots. On failure returns the exit code in `exit_code`.
std::optional<absl::Time> SlotStart(const BookingClient& client, BookingIo& io,
                                    const std::string& service, const std::string& at,
                                    CustomerAction action, v1::Language language,
                                    std::string* zone_name, int* exit_code) {
  const std::optional<LocalTime> local = ParseLocalTime(at);
  if (!local) {
    *exit_code = Usage(io, "--at \"" + at +
                               "\": expected the branch's local time as \"YYYY-MM-DD HH:MM\"");
    return std::nullopt;
  }
  std::vector<v1::Slot> day_slots;
  const std::string date = absl::FormatCivilTime(absl::CivilDay(local->civil));
  if (grpc::Status status = ZoneAndDay(client, service, date, zone_name, &day_slots);
      !status.ok()) {
    *exit_code = Refused(io, status, action, language);
    return std::nullopt;
  }
  if (zone_name->empty()) {
    io.err << "error: the server did not name the branch's time zone; cannot place --at\n";
    *exit_code = kExitRefused;
    return std::nullopt;
  }
  const std::optional<absl::TimeZone> zone = LoadZone(*zone_name);
  if (!zone) {
    *exit_code = Usage(io, "the time zone " + *zone_name +
                               " is unknown on this machine (install tzdata)");
    return std::nullopt;
  }
  Instant instant = ToInstant(*local, *zone, *zone_name, day_slots);
  if (!instant.time) {
    *exit_code = Usage(io, "--at: " + instant.error);
    return std::nullopt;
  }
  return instant.time;
}

// --- commands --------------------------------------------------------------

int RunSlots(const BookingClient& client, BookingIo& io, const BookingFlags& f) {
  v1::ListSlotsResponse response;
  grpc::Status status = client.ListSlots({f.service, f.from, f.to, f.only_free}, &response);
  if (!status.ok()) return Refused(io, status, CustomerAction::kFindSlots, MessageLanguage(f));
  io.out << FormatSlots(response, f.service, f.only_free);
  return kExitOk;
}

int RunBook(const BookingClient& client, BookingIo& io, const BookingFlags& f) {
  std::string zone;
  int exit_code = kExitOk;
  const std::optional<absl::Time> start = SlotStart(
      client, io, f.service, f.at, CustomerAction::kBook, MessageLanguage(f), &zone, &exit_code);
  if (!start) return exit_code;
  NewBooking booking;
  booking.service_prefix = f.service;
  booking.start = *start;
  booking.name = f.name;
  booking.phone = f.phone;
  booking.email = f.email;
  booking.language = client::ParseLanguage(f.lang).value_or(v1::LANGUAGE_UNSPECIFIED);
  booking.request_id = f.request_id;
  v1::Booking booked;
  grpc::Status status = client.Book(booking, &booked);
  if (!status.ok()) return Refused(io, status, CustomerAction::kBook, MessageLanguage(f));
  io.out << FormatConfirmation(booked, zone, "Booked");
  return kExitOk;
}

int RunShow(const BookingClient& client, BookingIo& io, const BookingFlags& f) {
  v1::Booking booking;
  grpc::Status status = client.Get(f.code, f.phone, &booking);
  if (!status.ok()) return Refused(io, status, CustomerAction::kShowBooking, MessageLanguage(f));
  io.out << FormatBooking(booking, ZoneFor(client, booking));
  return kExitOk;
}

int RunCancel(const BookingClient& client, BookingIo& io, const BookingFlags& f) {
  v1::Booking booking;
  grpc::Status status = client.Cancel(f.code, f.phone, &booking);
  if (!status.ok()) return Refused(io, status, CustomerAction::kChangeBooking, MessageLanguage(f));
  io.out << "Cancelled.\n" << FormatBooking(booking, ZoneFor(client, booking));
  return kExitOk;
}

int RunMove(const BookingClient& client, BookingIo& io, const BookingFlags& f) {
  v1::Booking booking;
  grpc::Status status = client.Get(f.code, f.phone, &booking);
  if (!status.ok()) return Refused(io, status, CustomerAction::kShowBooking, MessageLanguage(f));
  std::string zone;
  int exit_code = kExitOk;
  const std::optional<absl::Time> start =
      SlotStart(client, io, booking.service_prefix(), f.at, CustomerAction::kChangeBooking,
                MessageLanguage(f), &zone, &exit_code);
  if (!start) return exit_code;
  status = client.Reschedule(f.code, f.phone, *start, &booking);
  if (!status.ok()) return Refused(io, status, CustomerAction::kChangeBooking, MessageLanguage(f));
  io.out << FormatConfirmation(booking, zone, "Moved");
  return kExitOk;
}

// --- command line ----------------------------------------------------------

void AddLang(CLI::App* app, BookingFlags& flags) {
  app->add_option("--lang", flags.lang,
                  "Language of the booking (book) and of messages: ru, en or zh "
                  "(messages default to English)")
      ->check(CLI::IsMember({"ru", "en", "zh"}));
}

CLI::App* AddCommand(CLI::App& app, BookingFlags& flags, BookingCommand& selected,
                     const std::string& name, const std::string& help, Runner run) {
  CLI::App* sub = app.add_subcommand(name, help);
  sub->callback([&flags, &selected, run] {
    selected = [&flags, run](const BookingClient& client, BookingIo& io) {
      return run(client, io, flags);
    };
  });
  AddLang(sub, flags);
  return sub;
}

CLI::Validator DateCheck() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        return IsDate(text) ? std::string() : "expected a date as YYYY-MM-DD";
      },
      "YYYY-MM-DD");
}

void AddService(CLI::App* sub, BookingFlags& flags) {
  sub->add_option("--service", flags.service, "Service prefix, for example R")->required();
}

void AddAt(CLI::App* sub, BookingFlags& flags, const std::string& what) {
  sub->add_option("--at", flags.at,
                  what + ": the branch's local time \"YYYY-MM-DD HH:MM\" (add a UTC offset such "
                         "as \"-04:00\" only for a time the clocks pass twice)")
      ->required();
}

void AddCodeAndPhone(CLI::App* sub, BookingFlags& flags) {
  sub->add_option("--code", flags.code, "The booking code, e.g. K7M2-QX9D")->required();
  sub->add_option("--phone", flags.phone, "The phone the booking was made with")->required();
}

}  // namespace

int Refused(BookingIo& io, const grpc::Status& status, CustomerAction action,
            v1::Language language) {
  io.err << client::TellCustomer(status, action, language) << '\n';
  const bool unreachable = status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                           status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
  return unreachable ? kExitUsageOrConnection : kExitRefused;
}

v1::Language MessageLanguage(const BookingFlags& flags) {
  return client::ParseLanguage(flags.lang).value_or(v1::LANGUAGE_EN);
}

void AddBookingCommands(CLI::App& app, BookingFlags& flags, BookingCommand& selected) {
  AddLang(&app, flags);  // `booking --lang zh show ...` as well as `booking show --lang zh`
  CLI::App* slots = AddCommand(app, flags, selected, "slots",
                               "List the slots of a service with the seats left", RunSlots);
  AddService(slots, flags);
  slots->add_option("--from", flags.from, "First local date (default: today)")
      ->check(DateCheck());
  slots->add_option("--to", flags.to, "Last local date (default: --from + 6 days)")
      ->check(DateCheck());
  slots->add_flag("--free", flags.only_free, "Only slots with a free seat");

  CLI::App* book = AddCommand(app, flags, selected, "book", "Book a slot; prints the code", RunBook);
  AddService(book, flags);
  AddAt(book, flags, "The slot's start");
  book->add_option("--name", flags.name, "The customer's name");
  book->add_option("--phone", flags.phone, "A Russian mobile number, e.g. \"+7 916 123-45-67\"");
  book->add_option("--email", flags.email, "E-mail for the confirmation (optional)");
  book->add_option("--request-id", flags.request_id,
                   "Reuse the id of an earlier attempt so it is not booked twice "
                   "(default: a fresh one)");

  AddCodeAndPhone(AddCommand(app, flags, selected, "show", "Show a booking", RunShow), flags);
  AddCodeAndPhone(AddCommand(app, flags, selected, "cancel", "Cancel a booking", RunCancel),
                  flags);
  CLI::App* move = AddCommand(app, flags, selected, "move",
                              "Move a booking to another slot of its service", RunMove);
  AddCodeAndPhone(move, flags);
  AddAt(move, flags, "The new slot's start");
}

}  // namespace shop::queue::booking
