#pragma once

// The Lua scripts the Redis store runs, and the command calls around them. Each script runs
// atomically in Redis, so no other client's command lands between its reads and writes.

#include <pointsman/accounting/admission.hpp>

#include <string>
#include <vector>

struct redisContext;
struct redisReply;

namespace pointsman::accounting::redis {

/// Checks every rate limit (GCRA, as gcraCheck) and budget, then takes them all or none.
/// KEYS: budget scopes, then rate scopes. ARGV: budget count, rate count, reserve, then limit
/// and TTL seconds per budget, then per-minute, amount and kind (0 requests, 1 tokens) per rate.
/// Returns {verdict (1 admitted, 2 budget, 3 rate), rejected index (1-based), retry µs,
/// requests limit, remaining, reset µs, tokens limit, remaining, reset µs, share in millionths}.
extern const char* const kAdmitScript;

/// Adds the settlement delta to every budget, corrects token rate state, and adds the entry to
/// the hourly ledger hashes. KEYS: budget scopes, token rate scopes, then the four ledger
/// hashes. ARGV: budget count, delta, token correction, per-minute per token rate, ledger field,
/// cost, prompt tokens, completion tokens, ledger TTL seconds.
extern const char* const kSettleScript;

/// Saves a key unless its name or digest exists. KEYS: keys hash, digests hash. ARGV: name,
/// digest, JSON. Returns 1 when saved.
extern const char* const kSaveKeyScript;

/// Deletes a key by name from both hashes. KEYS: keys hash, digests hash. ARGV: name.
extern const char* const kRevokeKeyScript;

/// Runs a script by its SHA-1 (EVALSHA), loading it with EVAL when Redis does not know it yet.
/// Returns null on a connection failure; the caller owns the reply (freeReplyObject).
redisReply* runScript(redisContext* context, const char* script, const std::vector<std::string>& keys,
                      const std::vector<std::string>& args);

/// Builds the KEYS and ARGV of kAdmitScript.
void admitArguments(const AdmissionRequest& request, const std::string& prefix, std::vector<std::string>& keys,
                    std::vector<std::string>& args);

/// Reads kAdmitScript's reply into a result; a reply of another shape gives StoreUnavailable.
AdmissionResult admitResult(const redisReply* reply, const AdmissionRequest& request);

/// Names the ledger field of an entry: its names joined by the unit separator (0x1F).
std::string ledgerField(const SpendEntry& entry);
/// Splits a ledger field back into a row's names.
SpendRow rowFromLedgerField(const std::string& field);

}  // namespace pointsman::accounting::redis
