//! `cargo-lto`: parse the command line, call the library, print the error
//! chain, exit with a documented code (see `cargo_lto::error::exit`).
//! With `CARGO_LTO_WRAPPER_LOG` set it is instead cargo's rustc wrapper.

use std::process::ExitCode;

use cargo_lto::error::exit_code;

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
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            exit_code(&err)
        }
    };
    ExitCode::from(code.clamp(0, 255) as u8)
}
