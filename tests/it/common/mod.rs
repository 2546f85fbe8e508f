//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod case;
#[cfg(feature = "cli")]
pub mod cli;
pub mod engines;
pub mod exec;
pub mod generate;
pub mod oracle;
pub mod parse_back;
pub mod predicate;

/// Runs `f` on a thread with 2 MiB of stack, Rust's default for spawned
/// threads (test threads included), and returns what it returns; a panic
/// in `f` fails the caller, and a stack overflow aborts the test binary.
pub fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("spawn a thread")
        .join()
        .expect("the thread does not panic")
}
