//! Standard output that a closed pipe cannot crash: `blindspot zoo | head` stops quietly, with
//! success, as ripgrep and the standard Unix tools do (Rust's `println!` panics there instead).

use std::io::{ErrorKind, Write};

/// Writes one line to standard output; a closed pipe ends the program quietly.
pub fn line(args: std::fmt::Arguments) {
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_fmt(args)
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush());
    if let Err(e) = written {
        if e.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

/// `println!` for the CLI: the same arguments, through [`line`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::out::line(format_args!($($arg)*))
    };
}
pub(crate) use outln;
