// Parsing of value lists, ranges and durations, and the case plan built from them.
#include <gtest/gtest.h>

#include "harness/case_plan.hpp"
#include "harness/params.hpp"

using namespace contend;

namespace {

std::vector<std::int64_t> ints(const std::vector<ParamValue>& v) {
    std::vector<std::int64_t> out;
    for (const auto& x : v) out.push_back(std::get<std::int64_t>(x));
    return out;
}

const ParamSpec kThreads = ParamSpec::integer("threads", 1, 1, 1024, "", "threads");
const ParamSpec kNs = ParamSpec::integer("cs_ns", 0, 0, 1'000'000, "ns", "delay");

}  // namespace

TEST(Params, ListsAndRanges) {
    EXPECT_EQ(ints(parse_values(kThreads, "1,2,4", "--threads")),
              (std::vector<std::int64_t>{1, 2, 4}));
    EXPECT_EQ(ints(parse_values(kThreads, "1..4", "--threads")),
              (std::vector<std::int64_t>{1, 2, 3, 4}));
    EXPECT_EQ(ints(parse_values(kThreads, "1..16:x2", "--threads")),
              (std::vector<std::int64_t>{1, 2, 4, 8, 16}));
    EXPECT_EQ(ints(parse_values(kThreads, "2..9:+3", "--threads")),
              (std::vector<std::int64_t>{2, 5, 8}));
    EXPECT_EQ(ints(parse_values(kThreads, "1, 3..4", "--threads")),
              (std::vector<std::int64_t>{1, 3, 4}));
}

TEST(Params, NsParametersTakeUnits) {
    EXPECT_EQ(ints(parse_values(kNs, "100,2us,1ms", "--set cs_ns")),
              (std::vector<std::int64_t>{100, 2000, 1000000}));
}

TEST(Params, BadInputNamesTheArgument) {
    for (const char* bad : {"0", "1,,2", "a", "4..1", "1..8:x1", "1..8:y2", "", "2000"}) {
        try {
            parse_values(kThreads, bad, "--threads");
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const UsageError& e) {
            EXPECT_EQ(std::string(e.what()).rfind("--threads: ", 0), 0u) << e.what();
            EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
        }
    }
}

TEST(Params, Choices) {
    auto relax = ParamSpec::choice("relax", "pause", {"pause", "none", "yield"}, "");
    EXPECT_EQ(parse_values(relax, "none,yield", "--set relax").size(), 2u);
    EXPECT_THROW(parse_values(relax, "spin", "--set relax"), UsageError);
}

TEST(Params, Durations) {
    EXPECT_EQ(parse_duration_ns("250ms", "--duration"), 250'000'000);
    EXPECT_EQ(parse_duration_ns("1.5us", "--duration"), 1500);
    EXPECT_EQ(parse_duration_ns("2s", "--duration"), 2'000'000'000);
    EXPECT_THROW(parse_duration_ns("250", "--duration"), UsageError);
    EXPECT_THROW(parse_duration_ns("fast", "--duration"), UsageError);
    EXPECT_EQ(format_duration(250'000'000), "250ms");
}

TEST(CasePlan, CartesianProductAndNames) {
    Registry r;
    r.add_suite("s", "suite");
    ScenarioInfo sc{
        "s.x", "s", "doc", {kThreads, kNs, ParamSpec::choice("mode", "a", {"a", "b"}, "")}, {}, {}};
    sc.params[0].always_in_name = true;
    sc.params[1].always_in_name = true;
    r.add_scenario(sc);
    for (const char* name : {"p1", "p2", "ctl"}) {
        PrimitiveInfo p;
        p.name = name;
        p.control = p.name == "ctl";
        r.add_primitive(p);
    }
    for (const char* p : {"p1", "p2", "ctl"})
        r.bind("s.x", p, [](const CaseConfig&) { return Sample{}; });

    PlanRequest req{{"s"}, {}, {{"threads", "1,2"}, {"cs_ns", "0,100"}}, {}};
    auto cases = plan_cases(r, req);
    ASSERT_EQ(cases.size(), 8u);  // 2 primitives (control excluded) x 2 x 2
    EXPECT_EQ(cases[0].name, "s.x/p1/threads:1/cs_ns:0");
    EXPECT_EQ(cases[3].name, "s.x/p1/threads:2/cs_ns:100");
    EXPECT_EQ(cases[3].threads, 2);

    req.values["mode"] = "b";
    req.primitives = {"ctl"};
    cases = plan_cases(r, req);
    ASSERT_EQ(cases.size(), 4u);
    EXPECT_EQ(cases[0].name, "s.x/ctl/threads:1/cs_ns:0/mode:b");  // non-default choice named

    EXPECT_THROW(plan_cases(r, {{"bogus"}, {}, {}, {}}), UsageError);
    EXPECT_THROW(plan_cases(r, {{"s"}, {"nope"}, {}, {}}), UsageError);
    EXPECT_THROW(plan_cases(r, {{"s"}, {}, {{"nope", "1"}}, {}}), UsageError);
}

// A preset sweeps what each parameter declares for it; --set still wins,
// and a declaration that does not parse is refused at registration.
TEST(CasePlan, PresetValuesComeFromTheScenariosOwnParameters) {
    Registry r;
    r.add_suite("s", "doc");
    r.add_scenario({"s.x",
                    "s",
                    "doc",
                    {ParamSpec::integer("threads", 1, 1, 64, "", "").in_preset("full", "1,2"),
                     ParamSpec::choice("mode", "a", {"a", "b"}, "").in_preset("full", "a,b")},
                    {},
                    {}});
    PrimitiveInfo p;
    p.name = "p1";
    r.add_primitive(p);
    r.bind("s.x", "p1", [](const CaseConfig&) { return Sample{}; });

    EXPECT_EQ(plan_cases(r, {{"s"}, {}, {}, "default"}).size(), 1u);
    EXPECT_EQ(plan_cases(r, {{"s"}, {}, {}, "full"}).size(), 4u);
    EXPECT_EQ(plan_cases(r, {{"s"}, {}, {{"mode", "b"}}, "full"}).size(), 2u);

    r.add_suite("t", "doc");
    EXPECT_THROW(
        r.add_scenario({"t.bad_value",
                        "t",
                        "doc",
                        {ParamSpec::choice("mode", "a", {"a", "b"}, "").in_preset("full", "a,c")},
                        {},
                        {}}),
        std::logic_error);
    EXPECT_THROW(
        r.add_scenario({"t.bad_preset",
                        "t",
                        "doc",
                        {ParamSpec::choice("mode", "a", {"a", "b"}, "").in_preset("fast", "a")},
                        {},
                        {}}),
        std::logic_error);
}
