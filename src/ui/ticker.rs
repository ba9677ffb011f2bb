//! A `requestAnimationFrame` loop: calls back once per frame with the frame's timestamp until
//! dropped. One persistent closure re-requests itself (the wasm-bindgen rAF pattern).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

type FrameClosure = Closure<dyn FnMut(f64)>;

struct Inner {
    stopped: Cell<bool>,
    id: Cell<Option<i32>>,
    closure: RefCell<Option<FrameClosure>>,
}

impl Inner {
    fn request(&self) {
        if self.stopped.get() {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Some(closure) = self.closure.borrow().as_ref() {
            self.id.set(
                window
                    .request_animation_frame(closure.as_ref().unchecked_ref())
                    .ok(),
            );
        }
    }
}

/// Runs `on_frame(timestamp_ms)` every animation frame while it lives.
pub struct Ticker {
    inner: Rc<Inner>,
}

impl Ticker {
    pub fn start(mut on_frame: impl FnMut(f64) + 'static) -> Ticker {
        let inner = Rc::new(Inner {
            stopped: Cell::new(false),
            id: Cell::new(None),
            closure: RefCell::new(None),
        });
        let weak = Rc::downgrade(&inner);
        let closure = FrameClosure::new(move |timestamp: f64| {
            let Some(inner) = weak.upgrade() else {
                return;
            };
            if inner.stopped.get() {
                return;
            }
            on_frame(timestamp);
            inner.request();
        });
        *inner.closure.borrow_mut() = Some(closure);
        inner.request();
        Ticker { inner }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.inner.stopped.set(true);
        if let (Some(window), Some(id)) = (web_sys::window(), self.inner.id.take()) {
            let _ = window.cancel_animation_frame(id);
        }
        // Break the closure's cycle; wasm-bindgen defers the free if it is running right now.
        self.inner.closure.borrow_mut().take();
    }
}

/// The frame-time harness: with `?bench` in the URL the page appends every animation frame's
/// timestamp to `window.__kafkascopeFrames` and the time its own work took (run the core,
/// refresh, paint) to `window.__kafkascopeWork` (Yew renders after the callback, so not that),
/// of which running the core to `__kafkascopeCore` and painting the messages in flight to
/// `__kafkascopePaint` (with the tokens that paint drew new in `__kafkascopeNew`); and to
/// `__kafkascopeRefresh` what the last refresh cost, snapshot and render (recorded at the frame
/// after it, 0 in other frames), which a headless browser reads (`scripts/e2e.sh --frames`).
pub fn record_frame(values: [f64; 6]) {
    thread_local! {
        static ARRAYS: Option<[js_sys::Array; 6]> = bench_arrays();
    }
    ARRAYS.with(|arrays| {
        if let Some(arrays) = arrays {
            for (array, value) in arrays.iter().zip(values) {
                array.push(&value.into());
            }
        }
    });
}

/// Whether the frame-time harness is on (so the loop only reads the clock when it is).
pub fn benchmarking() -> bool {
    thread_local! {
        static ON: bool = bench_arrays().is_some();
    }
    ON.with(|on| *on)
}

/// Milliseconds from the page's performance clock.
pub fn performance_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// In [`record_frame`]'s order.
const BENCH_ARRAYS: [&str; 6] = [
    "__kafkascopeFrames",
    "__kafkascopeWork",
    "__kafkascopeCore",
    "__kafkascopeRefresh",
    "__kafkascopePaint",
    "__kafkascopeNew",
];

fn bench_arrays() -> Option<[js_sys::Array; 6]> {
    let window = web_sys::window()?;
    let search = window.location().search().ok()?;
    if !search
        .trim_start_matches('?')
        .split('&')
        .any(|p| p == "bench" || p.starts_with("bench="))
    {
        return None;
    }
    // The arrays live on `window`; a second call finds them there.
    let arrays = BENCH_ARRAYS.map(|name| match js_sys::Reflect::get(&window, &name.into()) {
        Ok(a) if a.is_array() => a.into(),
        _ => {
            let a = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&window, &name.into(), &a);
            a
        }
    });
    // The wasm linear memory, for the memory figures (its buffer's size never shrinks).
    js_sys::Reflect::set(
        &window,
        &"__kafkascopeMemory".into(),
        &wasm_bindgen::memory(),
    )
    .ok()?;
    Some(arrays)
}
