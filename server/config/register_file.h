// The register file: the operator-register data (subscribers, their active
// cards and recent activity) and the blank-card stock, as JSON a shop can
// write by hand. It seeds the embedded register (store.h) for the demo and
// for shops without a connection to the operator's own system.
//
//   {"subscribers": [{"phone": "+79161234567", "operator": "megafon",
//      "holder_name": "Ivanov Ivan Ivanovich", "document_type": "ru_passport",
//      "document_number": "4509 123456", "active_iccid": "8970199...",
//      "no_sim_change": false, "last_sim_change": "2025-11-02T10:00:00Z",
//      "contact": "ivanov@example.com", "address": "ул. Тестовая, д. 1, Москва",
//      "contact_changed": "2025-10-01T08:00:00Z",
//      "recent_topups_roubles": [500, 300], "recent_calls": ["+79031112233"]}],
//    "stock": [{"branch": "demo", "operator": "megafon", "iccid": "8970101..."}]}
//
// Top-ups and calls are listed newest first. contact (a Russian mobile
// number or an e-mail: where notices go), address (the postal address, one
// line, at most 300 characters: where a posted card goes) and
// contact_changed (when the contact last changed, RFC 3339 like
// last_sim_change) are what the remote route of a SIM replacement reads.
// active_iccid, no_sim_change, last_sim_change, contact, address,
// contact_changed, recent_topups_roubles and recent_calls are optional. Keys
// starting with "_" are comments; any other unknown key is an error (a typo
// should not silently drop a field).
//
// Document numbers never leave the parser raw: only the keyed hash and the
// last four characters are kept. Errors are kInvalidArgument naming the
// entry ("subscribers[3].phone: not a Russian mobile number") but never
// echo the personal value itself.
//
// Stateless functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "server/domain/common/personal_data.h"
#include "server/domain/cases/sim_case.h"
#include "server/domain/common/status.h"
#include "server/domain/store.h"

namespace shop::queue {

struct RegisterFile {
  std::vector<Subscriber> subscribers;
  std::vector<StockCard> stock;  // all kInStock
};

// Parses and validates JSON text. `origin` names the source in messages.
Result<RegisterFile> ParseRegisterFile(const std::string& json_text, const std::string& origin,
                                       const PiiHasher& hasher);
// Reads and parses a file.
Result<RegisterFile> LoadRegisterFile(const std::string& path, const PiiHasher& hasher);

// Writes the file into the register inside `tx`, so loading it again is
// safe. Subscribers are inserted or updated from the file, except for what
// the live register owns: a number that already has an active card keeps it
// (a SIM change made since the last load must not be undone; change cards
// through a case), and the later last SIM change wins, as does the later
// contact change. Stock cards already
// known (in stock, issued or in the register) are skipped. The counts of
// new subscribers and new stock cards go to the optional outputs.
Status ApplyRegisterFile(WriteTx& tx, const RegisterFile& f, int* added_stock,
                         int* added_subscribers = nullptr);

}  // namespace shop::queue
