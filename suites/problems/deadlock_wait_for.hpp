#pragma once
// The deadlock detector of problems.deadlock, kept free of threads so it can
// be tested on hand-made states: a snapshot of the table (who holds which
// fork, who is blocked on which fork) and the wait-for graph built from it.
//
// A philosopher blocked on a fork points at the philosopher holding that
// fork. Each philosopher is blocked on at most one thing at a time, so every
// node has at most one outgoing edge: following the edges from any node
// either ends (someone can make progress) or enters a cycle, and a cycle of
// threads each blocked in a mutex held by the next is a deadlock — none of
// them can ever run again. A stall with no cycle (nobody eats, but no one
// waits on anyone in a circle) is a different failure: a lost wake-up, a
// livelock, or a thread that is simply not being scheduled.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace contend::deadlock {

inline constexpr int kNobody = -1;  // a fork no one holds

// What a philosopher is blocked on.
enum class Blocked : int {
    Nothing = 0,
    Fork,    // blocked in one fork's mutex: `fork`
    Forks,   // blocked acquiring its two forks at once (std::scoped_lock); holds none meanwhile
    Waiter,  // blocked on the arbiter (the semaphore that seats n-1 at a time)
};

struct PhilosopherView {
    Blocked blocked = Blocked::Nothing;
    int fork = kNobody;  // the fork it is blocked on, when blocked == Fork
    std::uint64_t meals = 0;
    bool operator==(const PhilosopherView&) const = default;
};

// One consistent-looking view of the table. Seat i has fork i on its left
// and fork (i+1) % n on its right.
struct TableView {
    std::vector<int> fork_holder;  // philosopher holding fork f, or kNobody
    std::vector<PhilosopherView> philosophers;
    bool operator==(const TableView&) const = default;

    int seats() const { return static_cast<int>(philosophers.size()); }
    int left(int p) const { return p; }
    int right(int p) const { return (p + 1) % seats(); }
    std::vector<int> holds(int p) const {
        std::vector<int> forks;
        for (int f = 0; f < static_cast<int>(fork_holder.size()); ++f)
            if (fork_holder[f] == p) forks.push_back(f);
        return forks;
    }
    // The philosopher p waits for, or kNobody (not blocked on a held fork).
    int waits_on(int p) const {
        const auto& v = philosophers[p];
        if (v.blocked != Blocked::Fork || v.fork < 0 ||
            v.fork >= static_cast<int>(fork_holder.size()))
            return kNobody;
        return fork_holder[v.fork];
    }
};

// The philosophers of one wait-for cycle in edge order (p waits on the next,
// the last on the first), starting from the lowest seat; empty if none. A
// philosopher blocked on a fork it holds itself is a cycle of one.
inline std::vector<int> find_wait_cycle(const TableView& t) {
    const int n = t.seats();
    // 0 unvisited, 1 on the current path, 2 done (leads nowhere new).
    std::vector<int> mark(n, 0);
    for (int start = 0; start < n; ++start) {
        std::vector<int> path;
        int p = start;
        while (p != kNobody && mark[p] == 0) {
            mark[p] = 1;
            path.push_back(p);
            p = t.waits_on(p);
        }
        if (p != kNobody && mark[p] == 1) {
            // p is on this walk's path: the cycle is the path from p on.
            std::vector<int> cycle(std::find(path.begin(), path.end(), p), path.end());
            std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
            return cycle;
        }
        for (int q : path) mark[q] = 2;
    }
    return {};
}

namespace detail {

// Builds a string by appending its parts (numbers through std::to_string).
// Appends only: GCC 12 warns falsely (-Wrestrict, bug 105329) about
// "literal" + std::string once inlined into these functions.
inline void append(std::string& s, const std::string& x) {
    s += x;
}
inline void append(std::string& s, const char* x) {
    s += x;
}
template <class N>
requires std::is_arithmetic_v<N>
inline void append(std::string& s, N x) {
    s += std::to_string(x);
}
template <class... Parts>
std::string cat(const Parts&... parts) {
    std::string s;
    (append(s, parts), ...);
    return s;
}

inline std::string list_forks(const std::vector<int>& forks) {
    std::string s;
    for (int f : forks) {
        s += s.empty() ? "F" : "+F";
        s += std::to_string(f);
    }
    return s.empty() ? "nothing" : s;
}

// "P0 holds F0, waits F1 held by P1": one philosopher's part of the story.
inline std::string state_of(const TableView& t, int p, bool name_holder) {
    std::string s = cat("P", p, " holds ", list_forks(t.holds(p)));
    const auto& v = t.philosophers[p];
    switch (v.blocked) {
        case Blocked::Fork: {
            const int h = t.waits_on(p);
            s += cat(", waits F", v.fork);
            if (name_holder) s += h == kNobody ? std::string(" (free)") : cat(" held by P", h);
            break;
        }
        case Blocked::Forks:
            s += cat(", waits F", t.left(p), "+F", t.right(p));
            break;
        case Blocked::Waiter:
            s += ", waits for the waiter";
            break;
        case Blocked::Nothing:
            s += ", not blocked";
            break;
    }
    return s;
}

// At most `limit` parts, then "+k more": a detail must stay one short line.
inline std::string join_states(const TableView& t, const std::vector<int>& who, bool name_holder,
                               std::size_t limit = 8) {
    std::string s;
    for (std::size_t i = 0; i < who.size() && i < limit; ++i)
        s += cat(i ? "; " : "", state_of(t, who[i], name_holder));
    if (who.size() > limit) s += cat("; +", who.size() - limit, " more");
    return s;
}

}  // namespace detail

// One line for the case's detail. The classic circular wait (every seat
// holds its left fork and waits for its right) is named as such.
inline std::string describe_deadlock(const TableView& t, const std::vector<int>& cycle) {
    const int n = t.seats();
    bool classic = static_cast<int>(cycle.size()) == n && n > 1;
    for (int p : cycle)
        classic = classic && t.holds(p) == std::vector<int>{t.left(p)} &&
                  t.philosophers[p].blocked == Blocked::Fork &&
                  t.philosophers[p].fork == t.right(p);
    if (classic)
        return detail::cat("deadlock: ", n,
                           " philosophers each hold their left fork and wait for their right (",
                           detail::join_states(t, cycle, false), ")");
    std::string ring;
    for (int p : cycle) ring += detail::cat("P", p, " -> ");
    ring += detail::cat("P", cycle.front());
    return detail::cat("deadlock: wait-for cycle of ", cycle.size(), " philosopher",
                       cycle.size() == 1 ? "" : "s", " ", ring, " (",
                       detail::join_states(t, cycle, true), ")");
}

// One line for a stall without a cycle: who is blocked on what.
inline std::string describe_stall(const TableView& t, double stalled_ms) {
    std::vector<int> blocked;
    for (int p = 0; p < t.seats(); ++p)
        if (t.philosophers[p].blocked != Blocked::Nothing) blocked.push_back(p);
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.0f", stalled_ms);
    std::string s = detail::cat("stalled: no meal for ", ms, " ms and no wait-for cycle (");
    s += blocked.empty() ? "no philosopher is blocked" : detail::join_states(t, blocked, true);
    return s + ")";
}

// The machine-readable state: every philosopher and fork, and the cycle.
inline nlohmann::json table_json(const TableView& t, const std::vector<int>& cycle) {
    nlohmann::json phil = nlohmann::json::array();
    for (int p = 0; p < t.seats(); ++p) {
        const auto& v = t.philosophers[p];
        nlohmann::json waits = nlohmann::json::array();
        if (v.blocked == Blocked::Fork) waits.push_back(v.fork);
        if (v.blocked == Blocked::Forks) waits = {t.left(p), t.right(p)};
        const int h = t.waits_on(p);
        phil.push_back({{"philosopher", p},
                        {"holds", t.holds(p)},
                        {"waits_for", waits},
                        {"waits_for_waiter", v.blocked == Blocked::Waiter},
                        {"blocked_by", h == kNobody ? nlohmann::json(nullptr) : nlohmann::json(h)},
                        {"meals", v.meals}});
    }
    nlohmann::json forks = nlohmann::json::array();
    for (int f = 0; f < static_cast<int>(t.fork_holder.size()); ++f)
        forks.push_back(
            {{"fork", f},
             {"held_by", t.fork_holder[f] == kNobody ? nlohmann::json(nullptr)
                                                     : nlohmann::json(t.fork_holder[f])}});
    return {{"cycle", cycle}, {"philosophers", phil}, {"forks", forks}};
}

}  // namespace contend::deadlock
