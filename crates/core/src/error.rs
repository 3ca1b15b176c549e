//! The core's one error type.
use std::fmt;

/// Every failure the core reports: a message a user can act on, never a panic.
#[derive(Debug)]
pub enum Error {
    /// A file could not be read or written.
    Io {
        path: String,
        source: std::io::Error,
    },
    /// An IDX file is malformed (bad magic, wrong size, truncated).
    Idx(String),
    /// A data file's checksum does not match the canonical one.
    Checksum {
        path: String,
        expected: String,
        actual: String,
    },
    /// No model of that name exists in the zoo (`known`: the zoo's names, for the message).
    UnknownModel { name: String, known: String },
    /// Weights could not be decoded into the model's architecture.
    Weights(String),
    /// An image cannot be turned into a digit (empty, no ink, too large).
    Image(String),
    /// A compute device failed (a readback, a lost WebGPU device).
    Device(String),
    /// Anything else, with its explanation.
    Other(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{path}: {source}"),
            Error::Idx(msg) => write!(f, "invalid IDX data: {msg}"),
            Error::Checksum {
                path,
                expected,
                actual,
            } => {
                write!(
                    f,
                    "{path}: sha256 {actual} does not match the canonical {expected}"
                )
            }
            Error::UnknownModel { name, known } => {
                write!(f, "unknown model '{name}'; known models: {known}")
            }
            Error::Weights(msg) => write!(f, "cannot load weights: {msg}"),
            Error::Image(msg) => write!(f, "cannot use this image: {msg}"),
            Error::Device(msg) => write!(f, "the compute device failed: {msg}"),
            Error::Other(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// A failed read from a compute device (e.g. `into_data_async`), as a value.
    pub fn device(cause: impl fmt::Debug) -> Self {
        Error::Device(format!("{cause:?}"))
    }

    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}
