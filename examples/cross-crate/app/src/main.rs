//! Reads a limit `n` (first argument, default 1000), computes with
//! `math_utils` across the crate boundary, and prints the result as JSON.

use std::process::ExitCode;

fn main() -> ExitCode {
    let arg = std::env::args().nth(1);
    let n = match arg.as_deref().map(str::parse::<u64>) {
        None => 1000,
        Some(Ok(n)) => n,
        Some(Err(err)) => {
            eprintln!("app: the limit must be a whole number: {err}");
            return ExitCode::from(2);
        }
    };
    let report = serde_json::json!({
        "n": n,
        // leaf: inlined across the crate boundary with or without LTO
        "square": math_utils::square(n),
        // non-leaf: a real cross-crate call unless LTO inlines it
        "checksum": math_utils::checksum(n),
    });
    println!("{report}");
    ExitCode::SUCCESS
}
