#include "counter/case_commands.h"

#include <utility>

#include "counter/case_format.h"
#include "counter/format.h"

namespace shop::queue::counter {
namespace {

constexpr int kExitRefused = 1;
constexpr int kExitUsage = 2;

int Refused(CaseIo& io, const grpc::Status& status) {
  io.err << "error: " << DescribeRefusal(status) << '\n';
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) io.err << kSessionEnded << '\n';
  return kExitRefused;
}

int PrintCase(CaseIo& io, const grpc::Status& status, const v1::Case& sim_case) {
  if (!status.ok()) return Refused(io, status);
  io.out << FormatCase(sim_case);
  return 0;
}

// The supervisor's login from the flags and the password from the input.
std::optional<SupervisorCredentials> AskSupervisor(CaseIo& io, const std::string& login) {
  std::optional<std::string> password =
      io.read_secret("password of supervisor " + login + ": ");
  if (!password) {
    io.err << "error: no password for supervisor " << login
           << " (type it, or give it on the first line of standard input)\n";
    return std::nullopt;
  }
  return SupervisorCredentials{login, std::move(*password)};
}

// A CLI11 check that `text` is a word `parse` knows.
template <typename Parse>
CLI::Validator WordOf(Parse parse, const std::string& words) {
  return CLI::Validator(
      [parse, words](std::string& text) -> std::string {
        return parse(text) ? std::string() : "must be one of " + words;
      },
      words);
}

// --- commands --------------------------------------------------------------

int RunShow(const CaseClient& cases, CaseIo& io, const CaseFlags& f) {
  if ((f.case_id == 0) == (f.ticket_id == 0)) {
    io.err << "give either --case N or --ticket N\n";
    return kExitUsage;
  }
  v1::Case sim_case;
  grpc::Status status =
      f.case_id != 0 ? cases.Get(f.case_id, &sim_case) : cases.GetByTicket(f.ticket_id, &sim_case);
  return PrintCase(io, status, sim_case);
}

int RunOpen(const CaseClient& cases, CaseIo& io, const CaseFlags& f) {
  v1::Case sim_case;
  grpc::Status status = cases.GetByTicket(f.ticket_id, &sim_case);
  if (status.ok()) return PrintCase(io, status, sim_case);  // it has one already
  if (status.error_code() != grpc::StatusCode::NOT_FOUND) return Refused(io, status);
  if (!f.yes) {
    const std::string ticket = "ticket id " + std::to_string(f.ticket_id);
    io.err << ManualCaseWarning(ticket);
    if (!io.confirm) {
      io.err << "not opened: add --yes to open a case for " << ticket << " by hand\n";
      return kExitUsage;
    }
    const std::optional<bool> yes =
        io.confirm("open a SIM-replacement case for " + ticket + " by hand? (y/N): ");
    if (!yes || !*yes) {
      io.err << "not opened\n";
      return kExitRefused;
    }
  }
  return PrintCase(io, cases.Open(f.ticket_id, &sim_case), sim_case);
}

int RunForm(const CaseClient& cases, CaseIo& io, const CaseFlags& f) {
  v1::Case sim_case;
  return PrintCase(io, cases.SubmitForm(f.case_id, FormFromFlags(f), &sim_case), sim_case);
}

int RunIdentity(const CaseClient& cases, CaseIo& io, const CaseFlags& f) {
  v1::CheckIdentityResponse response;
  grpc::Status status = cases.CheckIdentity(f.case_id, IdentityFromFlags(f), &response);
  if (!status.ok()) return Refused(io, status);
  io.out << FormatCase(response.sim_case()) << FormatIdentityOutcome(response);
  if (response.passed()) {
    io.out << '\n';
    return 0;
  }
  if (response.locked()) io.out << "; a supervisor can lift the lock (counter case unlock)";
  io.out << '\n';
  return kExitRefused;
}

int RunPay(const CaseClient& cases, CaseIo& io, const CaseFlags& f) {
  v1::Case sim_case;
  const v1::PaymentMethod method = ParsePaymentMethod(f.method).value_or(
      v1::PAYMENT_METHOD_UNSPECIFIED);
  return PrintCase(io, cases.Pay(f.case_id, method, &sim_case), sim_case);
}

int RunWaive(const CaseClient& cases, CaseIo& io, const CaseFlags& f) {
  std::optional<SupervisorCredentials> supervisor = AskSupervisor(io, f.supervisor);
  if (!supervisor) return kExitUsage;
  v1::Case sim_case;
  return PrintCase(io, cases.WaiveFee(f.case_id, f.why, *supervisor, &sim_case), sim_case);
}

int RunIssue(const CaseClient& cases, CaseIo& io, const CaseFlags& f) {
  v1::Case sim_case;
  return PrintCase(io, cases.IssueCard(f.case_id, f.iccid, &sim_case), sim_case);
}

int RunBlock(const CaseClient& cases, CaseIo& io, const CaseFlags& f) {
  v1::Case sim_case;
  return PrintCase(io, cases.BlockOldCard(f.case_id, &sim_case), sim_case);
}

int RunClose(const CaseClient& cases, CaseIo& io, const CaseFlags& f) {
  v1::CloseCaseResponse response;
  grpc::Status status = cases.Close(f.case_id, &response);
  if (!status.ok()) return Refused(io, status);
  io.out << response.summary();
  if (!response.summary().empty() && response.summary().back() != '\n') io.out << '\n';
  io.err << FormatCaseLine(response.sim_case()) << '\n';
  return 0;
}

int RunCancel(const CaseClient& cases, CaseIo& io, const CaseFlags& f) {
  std::optional<SupervisorCredentials> supervisor;
  if (!f.supervisor.empty()) {
    supervisor = AskSupervisor(io, f.supervisor);
    if (!supervisor) return kExitUsage;
  }
  v1::Case sim_case;
  return PrintCase(io, cases.Cancel(f.case_id, f.why, supervisor, &sim_case), sim_case);
}

int RunUnlock(const CaseClient& cases, CaseIo& io, const CaseFlags& f) {
  std::optional<SupervisorCredentials> supervisor = AskSupervisor(io, f.supervisor);
  if (!supervisor) return kExitUsage;
  grpc::Status status = cases.UnlockNumber(f.phone, f.why, *supervisor);
  if (!status.ok()) return Refused(io, status);
  io.out << "the number is unlocked for SIM change\n";
  return 0;
}

using Runner = int (*)(const CaseClient&, CaseIo&, const CaseFlags&);

CLI::App* AddCase(CLI::App& parent, CaseFlags& flags, CaseSelection& selected,
                  const std::string& name, const std::string& help, Runner run,
                  bool needs_counter = false) {
  CLI::App* sub = parent.add_subcommand(name, help);
  sub->callback([&flags, &selected, run, needs_counter] {
    selected.run = [&flags, run](const CaseClient& cases, CaseIo& io) {
      return run(cases, io, flags);
    };
    selected.needs_counter = needs_counter;
  });
  return sub;
}

void AddCaseId(CLI::App* sub, CaseFlags& flags) {
  sub->add_option("--case", flags.case_id, "Case id")->required()->check(CLI::PositiveNumber);
}

void AddDocument(CLI::App* sub, CaseFlags& flags) {
  sub->add_option("--doc-type", flags.document_type,
                  "Document: ru_passport, foreign_passport or residence_permit")
      ->check(WordOf(ParseDocumentType, "ru_passport|foreign_passport|residence_permit"));
  sub->add_option("--doc-number", flags.document_number, "Document number as printed (ru passport: NNNN NNNNNN)");
}

}  // namespace

v1::CaseForm FormFromFlags(const CaseFlags& f) {
  v1::CaseForm form;
  form.set_phone(f.phone);
  form.set_operator_id(f.operator_id);
  form.set_reason(ParseReason(f.reason).value_or(v1::REPLACEMENT_REASON_UNSPECIFIED));
  form.set_full_name(f.full_name);
  form.set_document_type(
      ParseDocumentType(f.document_type).value_or(v1::DOCUMENT_TYPE_UNSPECIFIED));
  form.set_document_number(f.document_number);
  form.set_contact(f.contact);
  form.set_consent(f.consent);
  return form;
}

IdentityCheck IdentityFromFlags(const CaseFlags& f) {
  IdentityCheck check;
  check.document_type = ParseDocumentType(f.document_type).value_or(v1::DOCUMENT_TYPE_UNSPECIFIED);
  check.document_number = f.document_number;
  check.face_matches = f.face_ok;
  check.answer = f.answer;
  return check;
}

CLI::App* AddCaseCommands(CLI::App& app, CaseFlags& flags, CaseSelection& selected) {
  CLI::App* root = app.add_subcommand(
      "case", "The SIM-replacement case: show, open, and walk it step by step");
  root->require_subcommand(1);

  CLI::App* show = AddCase(*root, flags, selected, "show", "Show a case", RunShow);
  CLI::Option* by_case = show->add_option("--case", flags.case_id, "Case id");
  show->add_option("--ticket", flags.ticket_id, "Ticket id (its case)")->excludes(by_case);

  CLI::App* open =
      AddCase(*root, flags, selected, "open",
              "Show the case of a ticket served here, or open one by hand (asks, or --yes)",
              RunOpen, /*needs_counter=*/true);
  open->add_option("--ticket", flags.ticket_id, "Ticket id (being served at --counter)")
      ->required()
      ->check(CLI::PositiveNumber);
  open->add_flag("--yes", flags.yes,
                 "Open a case by hand for a ticket that has none, without asking");

  CLI::App* form =
      AddCase(*root, flags, selected, "form", "Step 1: submit the customer's form", RunForm);
  AddCaseId(form, flags);
  form->add_option("--phone", flags.phone, "The number to keep, e.g. \"+7 916 123-45-67\"");
  form->add_option("--operator", flags.operator_id, "Operator: megafon, beeline or tele2");
  form->add_option("--reason", flags.reason, "Why: lost, stolen, damaged or format_change")
      ->check(WordOf(ParseReason, "lost|stolen|damaged|format_change"));
  form->add_option("--name", flags.full_name, "Full name as in the document");
  AddDocument(form, flags);
  form->add_option("--contact", flags.contact, "Where else to send the notice: phone or e-mail");
  form->add_flag("--consent", flags.consent,
                 "The customer consents to processing of personal data");

  CLI::App* identity = AddCase(*root, flags, selected, "identity",
                               "Step 2: the identity check (document, face, answer)", RunIdentity);
  AddCaseId(identity, flags);
  AddDocument(identity, flags);
  identity->add_flag("--face-ok", flags.face_ok, "The face matches the document's photo");
  identity->add_option("--answer", flags.answer, "The customer's answer to the case's question");

  CLI::App* pay = AddCase(*root, flags, selected, "pay", "Step 3: record the fee's payment",
                          RunPay);
  AddCaseId(pay, flags);
  pay->add_option("--method", flags.method, "cash or card")
      ->required()
      ->check(WordOf(ParsePaymentMethod, "cash|card"));

  CLI::App* waive = AddCase(*root, flags, selected, "waive",
                            "Step 3 instead: a supervisor waives the fee (asks the password)",
                            RunWaive);
  AddCaseId(waive, flags);
  waive->add_option("--reason", flags.why, "Why the fee is waived")->required();
  waive->add_option("--supervisor", flags.supervisor, "Supervisor's login")->required();

  CLI::App* issue =
      AddCase(*root, flags, selected, "issue", "Step 4: issue a blank card", RunIssue);
  AddCaseId(issue, flags);
  issue->add_option("--iccid", flags.iccid, "The blank card's ICCID (19-20 digits)")->required();

  AddCaseId(AddCase(*root, flags, selected, "block",
                    "Step 5: activate the new card and block the old one", RunBlock),
            flags);
  AddCaseId(AddCase(*root, flags, selected, "close",
                    "Step 6: close the case and print the summary", RunClose),
            flags);

  CLI::App* cancel = AddCase(*root, flags, selected, "cancel",
                             "Cancel a case before card issue (a paid one needs a supervisor)",
                             RunCancel);
  AddCaseId(cancel, flags);
  cancel->add_option("--reason", flags.why, "Why")->required();
  cancel->add_option("--supervisor", flags.supervisor,
                     "Supervisor's login, for a paid case (asks the password)");

  CLI::App* unlock = AddCase(*root, flags, selected, "unlock",
                             "Lift a number's identity lock (a supervisor; asks the password)",
                             RunUnlock);
  unlock->add_option("--phone", flags.phone, "The locked number")->required();
  unlock->add_option("--reason", flags.why, "Why (written to the audit log)")->required();
  unlock->add_option("--supervisor", flags.supervisor, "Supervisor's login")->required();
  return root;
}

}  // namespace shop::queue::counter
