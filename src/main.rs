//! `cargo-lto`: parse the command line, call the library, print the error
//! chain, exit with a documented code (see `cargo_lto::error::exit`).
//! With `CARGO_LTO_WRAPPER_LOG` set it is instead cargo's rustc wrapper.

use std::process::ExitCode;

use cargo_lto::commands::{exit_code, is_broken_pipe};

fn main() -> ExitCode {
    if let Some(log) = std::env::var_os(cargo_lto::build::wrapper::LOG_ENV) {
        let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
        let code = cargo_lto::build::wrapper::run(&log, &args);
        return ExitCode::from(code.clamp(0, 255) as u8);
    }
    use clap::Parser;
    let cli = cargo_lto::cli::Cargo::parse();
    let code = match cargo_lto::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let code = exit_code(&err);
            if code == cargo_lto::error::exit::USAGE {
                // bad input is one line the user can act on: the chain joined
                let chain: Vec<String> = err.chain().map(|c| c.to_string()).collect();
                eprintln!("error: {}", chain.join(": "));
            } else {
                eprintln!("error: {err}");
                for cause in err.chain().skip(1) {
                    eprintln!("  caused by: {cause}");
                }
            }
            code
        }
    };
    ExitCode::from(code.clamp(0, 255) as u8)
}
