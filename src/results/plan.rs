//! `cargo lto plan`'s answer: the shards a sweep is dealt into for a CI
//! matrix (docs/ci.md), as JSON and as GitHub Actions' `matrix` value.

use serde::{Deserialize, Serialize};

/// One job of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// `K/N`, for `measure --shard K/N`.
    pub shard: String,
    /// The arguments to give `cargo lto measure`.
    pub args: String,
    /// The configurations it measures (baseline in every one).
    pub configs: Vec<String>,
}

/// The plan (`plan --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardPlan {
    /// One job per shard.
    pub include: Vec<Job>,
    /// Configurations that are the same build as another: `(name, original)`.
    pub identical: Vec<(String, String)>,
    /// What the user should know (a config file cargo does not read here).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<super::notes::Note>,
}

/// One entry of GitHub Actions' matrix: the job with its configurations
/// as one string, for a job's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixJob {
    /// `K/N`.
    pub shard: String,
    /// The arguments to give `cargo lto measure`.
    pub args: String,
    /// The configurations it measures, comma-separated.
    pub configs: String,
}

/// `plan --format github-matrix`: `{"include": [...]}`, the value of a
/// job's `strategy.matrix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GithubMatrix {
    /// One entry per shard.
    pub include: Vec<MatrixJob>,
}

impl From<&ShardPlan> for GithubMatrix {
    fn from(plan: &ShardPlan) -> GithubMatrix {
        GithubMatrix {
            include: plan
                .include
                .iter()
                .map(|j| MatrixJob {
                    shard: j.shard.clone(),
                    args: j.args.clone(),
                    configs: j.configs.join(", "),
                })
                .collect(),
        }
    }
}
