//! How a configuration, or a workload run on it, ended: shared by the
//! measure document's build and runtime parts.

use serde::{Deserialize, Serialize};

/// The state a configuration, or a workload on it, ended in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Built and measured.
    Ok,
    /// cargo (or the workload) failed; see `exit_code` and `stderr_tail`.
    Failed,
    /// Killed after `--timeout`.
    Timeout,
    /// Stopped by Ctrl-C.
    Interrupted,
}
