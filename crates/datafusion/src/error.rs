//! The crate's one error type.

use datafusion::arrow::error::ArrowError;
use datafusion::error::DataFusionError;
use datafusion::parquet::errors::ParquetError;

/// Why a run could not be made. An account the rules refuse is not an error of the run: it
/// is a row of the failures table ([`schema::failures`](crate::schema::failures)).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The engine failed: a table is missing, a file cannot be read, the memory limit was
    /// reached with spilling off, …
    #[error("DataFusion: {0}")]
    DataFusion(Box<DataFusionError>),
    /// An Arrow array could not be built or cast.
    #[error("Arrow: {0}")]
    Arrow(#[from] ArrowError),
    /// A Parquet file could not be written.
    #[error("Parquet: {0}")]
    Parquet(#[from] ParquetError),
    /// Reading or writing a file.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// A table's column is missing or of another type than its schema says.
    #[error("table column `{column}`: {reason}")]
    Column {
        /// The column.
        column: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A row of the rates table is not a rate (currency, month or decimal).
    #[error("rates table: {reason}")]
    Rate {
        /// What is wrong.
        reason: String,
    },
    /// A partition's task stopped before it finished (a panic in it, or the runtime shut
    /// down).
    #[error("a partition of the run stopped: {reason}")]
    Task {
        /// Why.
        reason: String,
    },
}

impl Error {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::DataFusion(_) => "datafusion",
            Error::Arrow(_) => "arrow",
            Error::Parquet(_) => "parquet",
            Error::Io(_) => "io",
            Error::Column { .. } => "bad_column",
            Error::Rate { .. } => "bad_rate",
            Error::Task { .. } => "task_failed",
        }
    }
}

impl From<DataFusionError> for Error {
    /// The run's own error back out of the engine, where a plan node reported it; any other
    /// as [`Error::DataFusion`].
    fn from(e: DataFusionError) -> Self {
        match e {
            DataFusionError::External(inner) => match inner.downcast::<Error>() {
                Ok(own) => *own,
                Err(other) => Error::DataFusion(Box::new(DataFusionError::External(other))),
            },
            DataFusionError::Context(_, inner) => Error::from(*inner),
            e => Error::DataFusion(Box::new(e)),
        }
    }
}
