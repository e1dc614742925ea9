#include "counter/review_commands.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <utility>

#include "counter/case_format.h"
#include "counter/format.h"
#include "counter/review_format.h"

namespace shop::queue::counter {
namespace {

constexpr int kExitRefused = 1;
constexpr int kExitUsage = 2;

int Refused(ReviewIo& io, const grpc::Status& status) {
  io.err << "error: " << DescribeRefusal(status) << '\n';
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) io.err << kSessionEnded << '\n';
  return kExitRefused;
}

std::string ZoneOf(ReviewIo& io, const std::string& branch_id) {
  return io.zone_of ? io.zone_of(branch_id) : std::string();
}

// --- commands --------------------------------------------------------------

int RunList(const RemoteClient& remote, ReviewIo& io, const ReviewFlags& f) {
  std::vector<v1::ApplicationSummary> applications;
  const v1::ApplicationState state = f.posted    ? v1::APPLICATION_STATE_AWAITING_ACTIVATION
                                     : f.at_shop ? v1::APPLICATION_STATE_AWAITING_PICKUP
                                     : f.dispatch ? v1::APPLICATION_STATE_AWAITING_DISPATCH
                                                  : v1::APPLICATION_STATE_AWAITING_REVIEW;
  grpc::Status status = remote.List(state, 0, &applications);
  if (!status.ok()) return Refused(io, status);
  // The queue is one dispatch branch's: its zone. Lines of several branches
  // are shown in this machine's zone, named.
  std::string zone;
  bool one_branch = !applications.empty();
  for (const v1::ApplicationSummary& a : applications)
    one_branch = one_branch && a.branch_id() == applications[0].branch_id();
  if (one_branch) {
    zone = applications[0].time_zone();  // servers before the field: ask the branch list
    if (zone.empty()) zone = ZoneOf(io, applications[0].branch_id());
  }
  if (applications.empty() && (f.posted || f.at_shop)) {
    io.out << (f.posted ? "no posted card waits for activation\n" : "no card waits at a shop\n");
    return 0;
  }
  io.out << FormatQueue(applications, zone, f.dispatch || f.posted || f.at_shop);
  if (!zone.empty()) io.out << "(times in " << zone << ", the branch's zone)\n";
  return 0;
}

int RunShow(const RemoteClient& remote, ReviewIo& io, const ReviewFlags& f) {
  v1::GetApplicationResponse response;
  grpc::Status status = remote.Get(f.case_id, &response);
  if (!status.ok()) return Refused(io, status);
  io.out << FormatApplication(response);
  if (response.photos_size() == 0) return 0;
  if (f.photos_dir.empty()) {
    io.out << "A terminal cannot show the photos: save them with --save-photos DIR\n";
    return 0;
  }
  std::string error;
  std::optional<std::vector<std::string>> saved = SavePhotos(response, f.photos_dir, &error);
  if (!saved) {
    io.err << "error: the photos were not saved: " << error << '\n';
    return kExitRefused;
  }
  io.out << "photos saved (personal data: delete them after the review):\n";
  for (const std::string& path : *saved) io.out << "  " << path << '\n';
  return 0;
}

int RunApprove(const RemoteClient& remote, ReviewIo& io, const ReviewFlags& f) {
  v1::Application application;
  grpc::Status status = remote.Approve(f.case_id, &application);
  if (!status.ok()) return Refused(io, status);
  io.out << FormatApproval(application);
  return 0;
}

int RunReject(const RemoteClient& remote, ReviewIo& io, const ReviewFlags& f) {
  v1::Application application;
  const v1::RejectReason reason =
      ParseRejectReason(f.reason).value_or(v1::REJECT_REASON_UNSPECIFIED);
  grpc::Status status = remote.Reject(f.case_id, reason, &application);
  if (!status.ok()) return Refused(io, status);
  io.out << FormatRejection(application);
  return 0;
}

int RunDispatch(const RemoteClient& remote, ReviewIo& io, const ReviewFlags& f) {
  v1::DispatchCardResponse response;
  grpc::Status status = remote.Dispatch(f.case_id, f.iccid, f.tracking, &response);
  if (!status.ok()) {
    const int code = Refused(io, status);
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
        status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      io.err << "The answer did not arrive: the card may have been dispatched. Run this very "
                "command again (same card, same tracking number) within the hour: the server "
                "answers it again, with a new code replacing a lost one.\n";
    }
    return code;
  }
  io.out << FormatDispatch(f.case_id, response);
  return 0;
}

// Asks until `parse` accepts the answer; std::nullopt at the end of input.
template <typename T, typename Parse>
std::optional<T> AskUntil(ReviewIo& io, const std::string& prompt, Parse parse,
                          const std::string& hint) {
  for (;;) {
    std::optional<std::string> line = io.ask(prompt);
    if (!line) return std::nullopt;
    if (std::optional<T> value = parse(*line)) return value;
    io.err << hint << '\n';
  }
}

std::optional<bool> ParseYesNo(std::string_view text) {
  std::string word;
  for (char c : text)
    if (c != ' ') word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (word == "y" || word == "yes") return true;
  if (word == "n" || word == "no") return false;
  return std::nullopt;
}

int RunCancel(const RemoteClient& remote, ReviewIo& io, const ReviewFlags& f) {
  v1::Application application;
  const v1::CancelReason reason =
      ParseCancelReason(f.reason).value_or(v1::CANCEL_REASON_UNSPECIFIED);
  grpc::Status status = remote.Cancel(f.case_id, reason, &application);
  if (!status.ok()) return Refused(io, status);
  io.out << FormatCancellation(application, reason);
  return 0;
}

int RunPickups(const RemoteClient& remote, ReviewIo& io, const ReviewFlags& f) {
  v1::ListPickupsResponse response;
  grpc::Status status = remote.Pickups(io.branch, f.phone, &response);
  if (!status.ok()) return Refused(io, status);
  io.out << FormatPickups(response);
  return 0;
}

int RunHandOver(const RemoteClient& remote, ReviewIo& io, const ReviewFlags& f) {
  // The card must wait at this shop; its question is what to ask.
  v1::ListPickupsResponse waiting;
  grpc::Status found = remote.Pickups(io.branch, "", &waiting);
  if (!found.ok()) return Refused(io, found);
  const v1::Pickup* card = nullptr;
  for (const v1::Pickup& p : waiting.pickups())
    if (p.case_id() == f.case_id) card = &p;
  if (!card) {
    io.err << "error: no card of case " << f.case_id << " waits for pickup at branch "
           << io.branch << " (counter review pickups lists those that do)\n";
    return kExitRefused;
  }
  io.err << "Hand-over of card ..." << card->new_iccid_last4() << " (case " << f.case_id
         << ", " << card->phone_masked() << "): check the document the customer presents ("
         << DocumentTypeName(card->document_type())
         << " applied with), the face against its photo, and ask:\n  " << card->question()
         << '\n';
  IdentityCheck check;
  const auto no_answer = [&io] {
    io.err << "error: no answer on standard input; nothing was sent\n";
    return kExitUsage;
  };
  std::optional<v1::DocumentType> type = AskUntil<v1::DocumentType>(
      io, "document type (ru_passport, foreign_passport, residence_permit): ", ParseDocumentType,
      "type ru_passport, foreign_passport or residence_permit");
  if (!type) return no_answer();
  check.document_type = *type;
  std::optional<std::string> number = io.ask("document number as printed: ");
  if (!number) return no_answer();
  check.document_number = *number;
  std::optional<bool> face = AskUntil<bool>(
      io, "does the face match the document's photo? (y/n): ", ParseYesNo, "type y or n");
  if (!face) return no_answer();
  check.face_matches = *face;
  std::optional<std::string> answer = io.ask("the customer's answer to the question: ");
  if (!answer) return no_answer();
  check.answer = *answer;

  v1::HandOverCardResponse response;
  grpc::Status status = remote.HandOver(f.case_id, check, &response);
  if (!status.ok()) return Refused(io, status);
  io.out << "case " << f.case_id << ": " << FormatHandOver(response);
  if (response.locked()) io.out << "; a supervisor can lift the lock (counter case unlock)";
  io.out << '\n';
  return response.activated() ? 0 : kExitRefused;
}

using Runner = int (*)(const RemoteClient&, ReviewIo&, const ReviewFlags&);

CLI::App* AddReview(CLI::App& parent, ReviewFlags& flags, ReviewSelection& selected,
                    const std::string& name, const std::string& help, Runner run) {
  CLI::App* sub = parent.add_subcommand(name, help);
  sub->callback([&flags, &selected, run] {
    selected.run = [&flags, run](const RemoteClient& remote, ReviewIo& io) {
      return run(remote, io, flags);
    };
  });
  return sub;
}

void AddId(CLI::App* sub, ReviewFlags& flags) {
  sub->add_option("ID", flags.case_id, "The application's case id (as `counter review list` shows)")
      ->required()
      ->check(CLI::PositiveNumber);
}

}  // namespace

std::optional<std::vector<std::string>> SavePhotos(const v1::GetApplicationResponse& response,
                                                   const std::string& dir, std::string* error) {
  // Personal data: a folder made here and the files are the owner's only.
  const mode_t old_mask = umask(077);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    umask(old_mask);
    *error = "cannot make the folder " + dir + ": " + ec.message();
    return std::nullopt;
  }
  std::vector<std::string> written;
  for (const v1::ApplicationPhoto& photo : response.photos()) {
    const std::string path =
        (std::filesystem::path(dir) / PhotoFileName(response.application().case_id(), photo))
            .string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(photo.content().data(), static_cast<std::streamsize>(photo.content().size()));
    out.close();
    if (!out) {
      umask(old_mask);
      *error = "cannot write " + path;
      return std::nullopt;
    }
    // An existing file keeps its mode through the truncation: set it.
    std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write,
                                 ec);
    written.push_back(path);
  }
  umask(old_mask);
  return written;
}

CLI::App* AddReviewCommands(CLI::App& app, ReviewFlags& flags, ReviewSelection& selected) {
  CLI::App* root = app.add_subcommand(
      "review",
      "Online SIM-replacement applications: the reviewer's queue, approval, rejection and "
      "dispatch; the pickup counter's hand-over");
  root->require_subcommand(1);

  CLI::App* list = AddReview(
      *root, flags, selected, "list",
      "The applications waiting for review (or with --dispatch, for a card), oldest first",
      RunList);
  list
      ->add_flag("--dispatch", flags.dispatch, "Those approved and waiting for a card instead")
      ->excludes(list->add_flag("--posted", flags.posted,
                                "Those posted and waiting for activation (to cancel one)"))
      ->excludes(list->add_flag("--at-shop", flags.at_shop,
                                "Those waiting at a shop for pickup (to cancel one)"));

  CLI::App* show = AddReview(*root, flags, selected, "show",
                             "One application beside the register's holder", RunShow);
  AddId(show, flags);
  show->add_option("--save-photos", flags.photos_dir,
                   "Save the two photos into this folder as ID-document.jpg|png and "
                   "ID-selfie.jpg|png");

  AddId(AddReview(*root, flags, selected, "approve",
                  "Approve (a risky application needs a second, different reviewer)",
                  RunApprove),
        flags);

  CLI::App* reject = AddReview(*root, flags, selected, "reject",
                               "Reject with a reason the applicant's status page shows",
                               RunReject);
  AddId(reject, flags);
  std::string codes = RejectReasonHelp();
  if (!codes.empty() && codes.back() == '\n') codes.pop_back();
  reject->add_option("--reason", flags.reason, "Why, one of:\n" + codes)
      ->required()
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            return ParseRejectReason(text) ? std::string()
                                           : "must be a reason code (see --help)";
          },
          "CODE"));

  CLI::App* dispatch = AddReview(
      *root, flags, selected, "dispatch",
      "Bind a blank card to an approved application and post it (prints the envelope's "
      "activation code, once) or send it to the pickup shop",
      RunDispatch);
  AddId(dispatch, flags);
  dispatch->add_option("--iccid", flags.iccid, "The blank card's ICCID (19-20 digits)")
      ->required();
  dispatch->add_option("--tracking", flags.tracking,
                       "The postal tracking number (required by post, refused for a pickup)");

  CLI::App* cancel = AddReview(
      *root, flags, selected, "cancel",
      "End an unfinished application (a lost envelope, fraud, the customer's call, a faulty "
      "card); the applicant's status page shows it",
      RunCancel);
  AddId(cancel, flags);
  std::string cancel_codes = CancelReasonHelp();
  if (!cancel_codes.empty() && cancel_codes.back() == '\n') cancel_codes.pop_back();
  cancel->add_option("--reason", flags.reason, "Why, one of:\n" + cancel_codes)
      ->required()
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            return ParseCancelReason(text) ? std::string()
                                           : "must be a reason code (see --help)";
          },
          "CODE"));

  AddReview(*root, flags, selected, "pickups",
            "At the pickup shop (--branch): the cards ordered online waiting there, oldest "
            "first, with the question to ask",
            RunPickups)
      ->add_option("--phone", flags.phone, "Only the card of this number");

  AddId(AddReview(*root, flags, selected, "hand-over",
                  "At the pickup shop (--branch): hand the card over after the identity check "
                  "(shows the question; asks the document, the face and the answer)",
                  RunHandOver),
        flags);
  return root;
}

}  // namespace shop::queue::counter
