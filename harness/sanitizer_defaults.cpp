// Defaults for the sanitizer runtimes, compiled into every executable of a
// sanitizer build (CMakeLists.txt: CONTEND_SANITIZE), so `contend` and the
// tests behave the same whether or not the user sets *SAN_OPTIONS. Options
// the user sets still win: the runtimes read these first.
//
// halt_on_error: the first report ends the process with a non-zero status.
// A stress trial's child leaves through _exit(), which skips the end-of-run
// exit status that ThreadSanitizer would otherwise set, so a report that
// did not stop the process would be lost.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)

extern "C" {

#if defined(__SANITIZE_THREAD__)
const char* __tsan_default_options() {
    return "halt_on_error=1:second_deadlock_stack=1";
}

// What TSan reports that is not a race in contend, each traced to its
// cause; anything else it finds still stops the process.
const char* __tsan_default_suppressions() {
    return
        // problems.deadlock's naive strategy takes the left fork, then the
        // right one: a cyclic lock order is the point of the scenario (it
        // deadlocks, and the scenario's own detector finds the cycle). The
        // waiter strategy runs the same steps under a semaphore that admits
        // at most n-1 philosophers, which TSan's lock-order graph cannot see.
        "deadlock:contend::deadlock::NaiveStrategy::dine\n"
        // The waiter's own frames too: g++'s TSan symbolizer names no
        // inlined frame, so where NaiveStrategy::dine is inlined into the
        // waiter's philosopher the line above cannot match (CI, 2026-12-07:
        // Dinner.WaiterCompletes reported with only Dinner<WaiterStrategy>
        // and Table::take on its stacks).
        "deadlock:contend::deadlock::Dinner<contend::deadlock::WaiterStrategy>\n"
        // moodycamel (ConcurrentQueue, ReaderWriterQueue) hands elements
        // over with std::atomic_thread_fence, which TSan does not model. Both
        // libraries annotate or exempt these paths for TSan only when
        // __has_feature exists (clang); g++ 12 has none, so nothing is exempted.
        "race:moodycamel::ConcurrentQueue\n"
        "race:moodycamel::ReaderWriterQueue\n"
        // oneTBB's concurrent_queue pages come from libtbbmalloc, which is
        // not instrumented: TSan sees a page freed by one thread reused by
        // another without the free. With std::allocator instead of TBB's
        // cache_aligned_allocator the same stress reports nothing.
        "race:tbb::detail::d2::micro_queue\n"
        // oneTBB hands a spawned task to the thread that runs it inside
        // libtbb, which is not instrumented: TSan sees neither that hand-off
        // nor the reuse of task objects by TBB's small-object allocator, so
        // every field a task carries looks unsynchronised between spawner and
        // runner. The same tasks run race-free under the other pools.
        "race:oneapi/tbb/task_group.h\n"
        // The same hand-off by the task's name: where the symbolizer finds
        // no file for function_task::execute (inlined into libtbb's dispatch
        // loop), the file line above cannot match (CI, 2026-12-07: a stress
        // trial of threads.pool/tbb_task_group reported execute() reading the
        // task's job, "previous write ... failed to restore the stack").
        "race:tbb::detail::d1::function_task<\n"
        "race:oneapi/tbb/detail/_small_object_pool.h\n"
        // Boost.Lockfree: queue::pop copies the next node's element before
        // its CAS and drops the copy if the CAS fails, so a node recycled and
        // rewritten meanwhile is read while written (by design: hence
        // trivially copyable elements); and a freelist node's next index is
        // written plainly while a thread that lost the race may still read
        // it, which the tagged CAS then discards (boostorg/lockfree issues
        // #22 and #78, open).
        "race:boost::lockfree::detail::copy_payload\n"
        "race:boost::lockfree::detail::tagged_index\n"
        // The same freelist race in boost_stack's push and pop (checked with
        // addr2line: tagged_index::set_index and get_index). In the stress
        // runs of `contend` g++'s TSan symbolizer names no inlined frame for
        // this code, only contend's own frames around it, so the line above
        // cannot match: the adapter's name in them does.
        "race:contend::queues::BoostStack<\n";
}
#endif

#if defined(__SANITIZE_ADDRESS__)
const char* __asan_default_options() {
    return "halt_on_error=1:detect_stack_use_after_return=1";
}

// UndefinedBehaviorSanitizer rides along with the address build (and is
// compiled with -fno-sanitize-recover, so its reports stop the process too).
const char* __ubsan_default_options() {
    return "halt_on_error=1:print_stacktrace=1";
}
#endif

}  // extern "C"

#endif
