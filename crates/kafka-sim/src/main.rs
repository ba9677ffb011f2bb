//! `kafka-sim`: runs Kafkascope scenarios natively (for authors and CI).
//!
//! The allocator counts the bytes the process holds, so `kafka-sim bench --soak` can report
//! the simulation's memory as it runs (live and peak heap bytes).

mod heap {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    pub struct Counting;

    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: forwarded to the system allocator with the caller's layout.
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
                PEAK.fetch_max(live, Relaxed);
            }
            p
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: `ptr` came from `alloc` with this layout.
            unsafe { System.dealloc(ptr, layout) };
            LIVE.fetch_sub(layout.size(), Relaxed);
        }
    }

    /// (live, peak) heap bytes.
    pub fn usage() -> (usize, usize) {
        (LIVE.load(Relaxed), PEAK.load(Relaxed))
    }

    /// Forgets the peak so far (a phase measures its own).
    pub fn reset_peak() {
        PEAK.store(LIVE.load(Relaxed), Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: heap::Counting = heap::Counting;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(kafka_sim::cli::run_with_heap(
        &args,
        Some(kafka_sim::cli::HeapMeter {
            usage: heap::usage,
            reset_peak: heap::reset_peak,
        }),
    ));
}
