// Internals of pdf/ that the sandbox and the tests need. Not for other callers:
// use analyze() and analyze_sandboxed() from pdf_info.hpp.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/deadline.hpp"
#include "pdf/pdf_info.hpp"
#include "pdf/text.hpp"

#include <filesystem>

namespace preflight::pdf::detail {

struct ReadOptions {
    // Read page-tree objects straight from the file bytes (pdf/lexer.hpp) and
    // fall back to PoDoFo's parse only when that fails. false: PoDoFo parses
    // every object (slower; the tests compare both ways).
    bool raw_reader = true;
    // Free PoDoFo's objects at the end. The sandboxed child skips this: it
    // exits right after answering, and freeing 100,000 objects costs time.
    bool free_objects = true;
    // Try our own cross-reference reader (pdf/xref.hpp) before PoDoFo: no PoDoFo
    // at all for unencrypted files whose xref it reads completely and whose
    // analysis finds no damage; anything else goes the PoDoFo way as before.
    bool fast_xref = true;
    // Tests and comparisons: never fall back to PoDoFo; when the fast path cannot
    // answer, report Damage::internal with "fast path: <why>" instead.
    bool fast_only = false;
    // When it runs out, the analysis stops and reports Damage::time_limit with the
    // "pdf.budget-structure" phrase (AnalyzeOptions::budget_milliseconds).
    Deadline deadline{};
};

Info analyze_with(const std::filesystem::path& file, const ReadOptions& options);

// Extracts the text of `file` (pdf/text.hpp) and fills info.text_scan,
// text_scan_detail and person_ids (base/idscan.hpp). The text itself is
// dropped before returning.
void scan_person_ids(const std::filesystem::path& file, Info& info, const TextLimits& limits = {});

// The same pass for what `options` asks (find_person_ids, find_content_boxes):
// also fills info.content_boxes from the pages' PageText::content.
void scan_content(const std::filesystem::path& file, Info& info, const AnalyzeOptions& options,
                  const TextLimits& limits = {});

// Process-wide set-up, once (PoDoFo logging off, OpenSSL's legacy and default
// providers loaded): ~5 ms. analyze() calls it; analyze_sandboxed() calls it in
// the parent so that every forked child inherits it instead of paying again
// (fork mode), as the job's prepare, and so do the fork server's helper and an
// exec'd child.
void initialise();

// A function the sandboxed child runs right before analyze(), after its limits
// are set: tests use it to make the child crash, spin or sleep deterministically.
// nullptr (the default) for none. Set it only while no sandbox is running.
// Fork mode only: a child started by exec mode (isolate::set_program()) is a new process
// and runs no hooks.
using SandboxChildHook = void (*)();
void set_sandbox_child_hook(SandboxChildHook hook);
// Likewise, run right before the text scan (after the analysis was answered).
void set_sandbox_text_scan_hook(SandboxChildHook hook);

// The clock the budget (AnalyzeOptions::budget_milliseconds) is measured with:
// the steady clock, unless a test injects another (fork mode inherits it). Set it
// only while no analysis runs; nullptr restores the steady clock.
void set_budget_clock(Deadline::Now now);
Deadline::Now budget_clock();

// "ABCDEF+Calibri" -> "Calibri" (a subset tag is six upper-case letters and '+').
std::string_view strip_subset_prefix(std::string_view name);
// One of the standard 14 fonts, by exact name (aliases such as Arial do not count).
bool is_standard14(std::string_view name);

// Looks up, once, the widths of the characters WinAnsi text reaches in each of the
// standard-14 fonts (PoDoFo's metrics): the fork server's helper does it for every
// child it forks (pdf.analyze's warm).
void warm_standard14();

// A letter of our own (one portrait A4 page, a line of Helvetica text and a filled
// box), which the fork server's helper analyses once so that its children inherit
// what the first analysis sets up (pdf.analyze's warm).
std::string warm_letter();

}  // namespace preflight::pdf::detail
