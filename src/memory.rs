//! Where the process's memory comes from, and when it goes back.
//!
//! - mimalloc is the global allocator instead of glibc's malloc: ingest
//!   parses large bodies on many threads, and glibc kept the freed memory in
//!   per-thread arenas (server RSS stayed near 500 MB after a 100,000-job
//!   HTTP ingest); mimalloc is also faster on the request path's small
//!   allocations.
//! - mimalloc returns freed memory to the OS at once instead of after its
//!   default delay (1 s, 10 s for whole arenas), which it only acts on when
//!   the freeing thread allocates again: a thread that grew a large buffer
//!   and went idle kept it.
//! - SQLite (C code) still allocates with glibc's malloc; routed through
//!   mimalloc it ranked relevance queries at half the speed. glibc raises
//!   its mmap threshold each time it frees a large mapped block, after
//!   which multi-megabyte doclists and sorter buffers come from the arenas
//!   and stay there: a 1M-job server peaked at 320 MiB after a few prefix
//!   and relevance queries. A fixed threshold (blocks of 128 KiB and more
//!   are mapped, and unmapped when freed) and two arenas instead of sixteen
//!   brought that to 211–224 MiB.
//!
//! Measured in BENCHMARKS.md (fifth round). This is the binary's only
//! unsafe code (the library forbids it): both allocators are configured
//! through their C interfaces.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_t`
/// (`include/mimalloc.h`; the Rust bindings name only some options).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Blocks this size and larger get their own mapping in glibc's malloc.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const GLIBC_MMAP_THRESHOLD: i32 = 128 * 1024;

/// glibc malloc arenas (the default is eight per core).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const GLIBC_ARENAS: i32 = 2;

/// Applies the choices above. Runs first in `main`, before other threads
/// exist: mimalloc's option setter and `mallopt` are not thread-safe.
pub fn configure() {
    // SAFETY: no other thread exists yet; the option index is mimalloc's.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    configure_glibc();
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn configure_glibc() {
    // SAFETY: called from `configure`, before other threads exist.
    // `mallopt` returns 0 for a parameter it rejects, which leaves glibc's
    // default: nothing to handle.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, GLIBC_MMAP_THRESHOLD);
        libc::mallopt(libc::M_ARENA_MAX, GLIBC_ARENAS);
    }
}

/// Other C libraries (macOS, musl) have no `mallopt` to tune.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn configure_glibc() {}
