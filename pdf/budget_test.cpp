// The analysis's time budget (AnalyzeOptions::budget_milliseconds,
// base/deadline.hpp), stepped with an injected clock: no test here measures time.
// The analyses that run out run in the sandbox's fork mode, as in production: the
// child stops mid-parse and exits, and the clock injected here is inherited.
#include "base/deadline.hpp"
#include "pdf/detail.hpp"
#include "pdf/inflate_budget.hpp"
#include "pdf/pdf_info.hpp"
#include "pdf/podofo_io.hpp"
#include "tests/pdf_writer.hpp"
#include "tests/temp_dir.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <podofo/podofo.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace preflight::pdf {
namespace {

// A clock that stands still for its first `after` readings and then jumps an hour.
std::atomic<long> readings{0};
long jump_after = LONG_MAX;
Deadline::Clock::time_point stepped_now() {
    const long n = readings.fetch_add(1);
    return Deadline::Clock::time_point{} + (n >= jump_after ? std::chrono::hours(1) : std::chrono::hours(0));
}

class SteppedClock {
public:
    explicit SteppedClock(long after) {
        readings = 0;
        jump_after = after;
        detail::set_budget_clock(&stepped_now);
    }
    ~SteppedClock() { detail::set_budget_clock(nullptr); }
    SteppedClock(const SteppedClock&) = delete;
    SteppedClock& operator=(const SteppedClock&) = delete;
};

TEST(Deadline, AsksTheClockAndStaysExpired) {
    EXPECT_FALSE(Deadline{}.expired());
    EXPECT_FALSE(Deadline{}.limited());
    EXPECT_FALSE(Deadline::after_milliseconds(0).limited());

    readings = 0;
    jump_after = 3;
    const Deadline d = Deadline::after(std::chrono::milliseconds(500), &stepped_now);  // reading 0
    EXPECT_TRUE(d.limited());
    EXPECT_EQ(d.budget().count(), 500);
    EXPECT_FALSE(d.expired());  // 1
    EXPECT_FALSE(d.expired());  // 2
    EXPECT_TRUE(d.expired());   // 3: the clock jumped
    jump_after = LONG_MAX;
    EXPECT_TRUE(d.expired()) << "once run out, a budget stays run out";

    // expired_every() reads the clock only every N-th call.
    readings = 0;
    jump_after = 1;
    const Deadline e = Deadline::after(std::chrono::milliseconds(500), &stepped_now);
    for (int i = 0; i < 7; ++i) {
        EXPECT_FALSE(e.expired_every(8)) << i;
    }
    EXPECT_EQ(readings.load(), 1);
    EXPECT_TRUE(e.expired_every(8));
    EXPECT_EQ(readings.load(), 2);
    jump_after = LONG_MAX;
}

TEST(Deadline, PoDoFosReadsStopWhenItRunsOut) {
    const std::string bytes(100000, ' ');
    readings = 0;
    jump_after = 1;
    const Deadline d = Deadline::after(std::chrono::milliseconds(100), &stepped_now);
    podofo::MemoryDevice device(bytes.data(), bytes.size(), &d);
    int read = 0;
    EXPECT_THROW(
        {
            for (;;) {
                (void)device.GetChar();
                ++read;
            }
        },
        PoDoFo::PdfError);  // a PdfError, so that PoDoFo cleans up as after any other
    EXPECT_EQ(read, 4095) << "the clock is read every 4,096 characters";
    EXPECT_TRUE(d.ran_out());
    char buffer[16];
    EXPECT_THROW(device.Read(buffer, sizeof buffer), PoDoFo::PdfError) << "from then on, every read";

    readings = 0;
    const Deadline blocks = Deadline::after(std::chrono::milliseconds(100), &stepped_now);
    podofo::MemoryDevice block_device(bytes.data(), bytes.size(), &blocks);
    for (int i = 0; i < 15; ++i) {
        EXPECT_EQ(block_device.Read(buffer, sizeof buffer), 16);
    }
    EXPECT_THROW(block_device.Read(buffer, sizeof buffer), PoDoFo::PdfError) << "every 16th block";
    jump_after = LONG_MAX;

    podofo::MemoryDevice unlimited(bytes.data(), bytes.size());
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        ASSERT_EQ(unlimited.GetChar(), ' ');
    }
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

// PoDoFo inflates a whole stream in one call of its own: the budget reaches it
// through inflate() (pdf/inflate_budget.hpp), 4 KiB at a time.
TEST(Budget, PoDoFosInflateStopsWhenItRunsOut) {
    PoDoFo::PdfVecObjects objects;
    objects.SetAutoDelete(true);
    PoDoFo::PdfObject* object = objects.CreateObject();
    const std::string data(4U << 20, 'x');
    object->GetStream()->Set(data.data(), static_cast<PoDoFo::pdf_long>(data.size()));  // Flate by default
    const auto inflated = [&] {
        char* buffer = nullptr;
        PoDoFo::pdf_long length = 0;
        object->GetStream()->GetFilteredCopy(&buffer, &length);
        PoDoFo::podofo_free(buffer);
        return static_cast<std::size_t>(length);
    };
    EXPECT_EQ(inflated(), data.size());
    {
        readings = 0;
        jump_after = LONG_MAX;
        const Deadline d = Deadline::after(std::chrono::milliseconds(100), &stepped_now);
        const podofo::InflateBudget budget(&d);
        EXPECT_EQ(inflated(), data.size());
        EXPECT_GT(readings.load(), 1) << "inflate() asks the budget";
        jump_after = readings.load();
        EXPECT_THROW((void)inflated(), PoDoFo::PdfError);
        EXPECT_TRUE(d.ran_out());
        jump_after = LONG_MAX;
    }
    EXPECT_EQ(inflated(), data.size()) << "without a budget inflate() goes straight through";
}

// `pages` A4 pages of one short text line each; with `bad_page`, page 1's MediaBox
// has three numbers, so that our own reader hands the file to PoDoFo.
std::string pages_pdf(int pages, bool bad_page = false) {
    std::vector<testing::TestPage> list;
    for (int i = 0; i < pages; ++i) {
        testing::TestPage p;
        p.content = fmt::format("BT /F1 11 Tf 72 {} Td (Side {}) Tj ET", 700 - i % 40, i + 1);
        if (bad_page && i == 0) {
            p.media = "0 0 595.276";
        }
        list.push_back(p);
    }
    return testing::TestPdf(list).bytes();
}

Limits roomy() {
    Limits l;
    l.wall_milliseconds = 60000;
    return l;
}

TEST(Budget, AStructureNotReadInTimeIsATimeLimit) {
    const testing::TempDir dir;
    for (const bool podofo_path : {false, true}) {
        const auto file = dir.path() / (podofo_path ? "podofo.pdf" : "fast.pdf");
        write_file(file, pages_pdf(400, podofo_path));
        const AnalyzeOptions options{.budget_milliseconds = 800};
        {
            const SteppedClock never(LONG_MAX);
            const Info info = analyze_sandboxed(file, roomy(), options);
            EXPECT_EQ(info.pages.size(), 400U) << podofo_path;
            EXPECT_EQ(info.damage, podofo_path ? Damage::bad_pages : Damage::none) << info.damage_detail;
        }
        {
            const SteppedClock runs_out(1);  // reading 0 starts the budget; the first check finds it run out
            const Info info = analyze_sandboxed(file, roomy(), options);
            EXPECT_EQ(info.damage, Damage::time_limit) << podofo_path << " " << info.damage_detail;
            EXPECT_NE(info.damage_detail.find("pdf.budget-structure"), std::string::npos) << info.damage_detail;
            EXPECT_NE(info.damage_detail.find("800"), std::string::npos) << info.damage_detail;
        }
    }
}

TEST(Budget, AContentPassCutShortKeepsThePagesItReadAndIsPartial) {
    const testing::TempDir dir;
    const auto file = dir.path() / "pages.pdf";
    write_file(file, pages_pdf(60));
    const AnalyzeOptions options{.find_content_boxes = true, .budget_milliseconds = 800};
    {
        const SteppedClock never(LONG_MAX);
        const Info info = analyze_sandboxed(file, roomy(), options);
        EXPECT_EQ(info.text_scan, TextScan::complete) << info.text_scan_detail;
        EXPECT_EQ(info.content_boxes.size(), 60U);
    }
    {
        // The structure reads the clock a few times (every 16th page); the content
        // pass at every page: it runs out some 20 pages in.
        const SteppedClock runs_out(25);
        const Info info = analyze_sandboxed(file, roomy(), options);
        EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
        EXPECT_EQ(info.pages.size(), 60U);
        EXPECT_EQ(info.text_scan, TextScan::partial);
        EXPECT_NE(info.text_scan_detail.find("pdf.budget-content"), std::string::npos) << info.text_scan_detail;
        EXPECT_GT(info.content_boxes.size(), 0U);
        EXPECT_LT(info.content_boxes.size(), 60U);
    }
    {
        // Run out before the content pass begins: nothing measured.
        const SteppedClock runs_out(1);
        const AnalyzeOptions content_only{.find_content_boxes = true, .budget_milliseconds = 800};
        const auto small = dir.path() / "small.pdf";
        write_file(small, pages_pdf(3));  // too few pages for the structure to read the clock
        const Info info = analyze_sandboxed(small, roomy(), content_only);
        EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
        EXPECT_NE(info.text_scan, TextScan::complete);
        EXPECT_NE(info.text_scan_detail.find("pdf.budget-content"), std::string::npos) << info.text_scan_detail;
        EXPECT_TRUE(info.content_boxes.empty());
    }
}

TEST(Budget, NoBudgetNeverReadsTheClock) {
    const testing::TempDir dir;
    const auto file = dir.path() / "pages.pdf";
    write_file(file, pages_pdf(40));
    const SteppedClock runs_out(0);
    const Info info = analyze(file, {.find_content_boxes = true});
    EXPECT_EQ(info.damage, Damage::none);
    EXPECT_EQ(info.text_scan, TextScan::complete);
    EXPECT_EQ(readings.load(), 0);
}

}  // namespace
}  // namespace preflight::pdf
